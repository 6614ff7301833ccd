using System.Diagnostics;
using Microsoft.ML;
using NetworkBuster.Training.Contracts;
using NetworkBuster.Training.Datasets;
using NetworkBuster.Training.Metrics;
using NetworkBuster.Training.Presets;
using NetworkBuster.Training.Steps;
using NetworkBuster.Training.Storage;
using NetworkBuster.Training.Training;

namespace NetworkBuster.Training.Cli.Benchmarks;

/// <summary>One trainer's speed and quality on the shared split.</summary>
/// <param name="Trainer">The trainer name.</param>
/// <param name="TrainRows">Rows fitted.</param>
/// <param name="FitSeconds">Featurization plus fit.</param>
/// <param name="Rmse">RMSE on the test split.</param>
/// <param name="Hyperparameters">The effective hyperparameters (the pipeline's defaults).</param>
public sealed record TrainerMeasurement(string Trainer, long TrainRows, double FitSeconds, double Rmse, string Hyperparameters)
{
    /// <summary>Rows fitted per second.</summary>
    public double RowsPerSecond => TrainRows / FitSeconds;
}

/// <summary>
/// FastTree, LightGbm and FastForest on the same ingested snapshot (the pipeline's own featurization and
/// default hyperparameters: 100 trees, 20 leaves, 10 rows per leaf, learning rate 0.2 for the boosted ones).
/// </summary>
/// <param name="storage">The storage account.</param>
/// <param name="ingestor">The ingest step (makes the split snapshots).</param>
/// <param name="snapshots">The snapshots.</param>
public sealed class TrainerBenchmark(StorageClients storage, DatasetIngestor ingestor, SnapshotStore snapshots)
{
    /// <summary>The <c>performance-optimizer</c> preset's default trainer, read from the preset.</summary>
    public static string PresetDefault => PresetCatalog.PerformanceOptimizer.DefaultTrainer;

    /// <summary>The trainers compared, the preset's current default first (when it is one of them).</summary>
    public static IReadOnlyList<TrainerDefinition> Compared { get; } =
        [.. new[] { TrainerCatalog.FastTree, TrainerCatalog.LightGbm, TrainerCatalog.FastForest }.OrderBy(t => t.Name != PresetDefault)];

    /// <summary>The fastest trainer whose RMSE is within <paramref name="tolerance"/> of the best RMSE.</summary>
    public static TrainerMeasurement Recommend(IReadOnlyList<TrainerMeasurement> measurements, double tolerance = 0.01)
    {
        ArgumentNullException.ThrowIfNull(measurements);
        double best = measurements.Min(m => m.Rmse);
        return measurements.Where(m => m.Rmse <= best * (1 + tolerance)).MaxBy(m => m.RowsPerSecond)!;
    }

    /// <summary>Generates <paramref name="rows"/> rows, ingests them and fits each trainer on the train split.</summary>
    public async Task<IReadOnlyList<TrainerMeasurement>> RunAsync(long rows, CancellationToken cancellationToken)
    {
        var name = BenchmarkData.NewDatasetName("trainers");
        await BenchmarkData.UploadAsync(storage, name, maxRows: rows, cancellationToken: cancellationToken);
        var job = BenchmarkData.Job("bench-trainers-" + Guid.NewGuid().ToString("N")[..8], name);
        var folder = snapshots.LocalFolder(job.JobId);
        try
        {
            var ingest = await ingestor.IngestAsync(job, cancellationToken);
            var manifest = await snapshots.GetManifestAsync(ingest.SnapshotPrefix, cancellationToken);
            var train = await snapshots.OpenAsync(ingest.SnapshotPrefix, manifest, SplitName.Train, folder, cancellationToken);
            var test = await snapshots.OpenAsync(ingest.SnapshotPrefix, manifest, SplitName.Test, folder, cancellationToken);
            var results = new List<TrainerMeasurement>();

            // An untimed fit of each on a thousand rows first: the first fit in a process pays JIT and native loading
            // (LightGbm's library), which would otherwise be charged to whichever trainer is listed first.
            foreach (var trainer in Compared)
            {
                var ml = new MLContext(seed: job.Split.Seed);
                TrainerFactory.Build(ml, manifest.Schema, trainer, new Dictionary<string, double>()).Fit(ml.Data.TakeRows(test, 1000));
            }

            foreach (var trainer in Compared)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var ml = new MLContext(seed: job.Split.Seed);
                var none = new Dictionary<string, double>();
                var watch = Stopwatch.StartNew();
                var model = TrainerFactory.Build(ml, manifest.Schema, trainer, none).Fit(train);
                double seconds = watch.Elapsed.TotalSeconds;
                var metrics = MetricsCalculator.Compute(ml, ModelTask.Regression, model.Transform(test));
                results.Add(new TrainerMeasurement(trainer.Name, ingest.TrainRows, seconds, metrics["RMSE"], TrainerFactory.ToJson(TrainerFactory.Effective(trainer, none))));
            }

            return results;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
            await snapshots.DeleteAsync(job.JobId, CancellationToken.None);
            await storage.Datasets.DeleteBlobIfExistsAsync(name, cancellationToken: CancellationToken.None);
        }
    }
}
