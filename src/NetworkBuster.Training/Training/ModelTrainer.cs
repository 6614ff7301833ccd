using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.ML;
using NetworkBuster.Training.Datasets;
using NetworkBuster.Training.Jobs;
using NetworkBuster.Training.Registry;
using NetworkBuster.Training.Storage;
using NetworkBuster.Training.Workflow;

namespace NetworkBuster.Training.Training;

/// <summary>The train step: fits the job's pipeline on the train snapshot and stages the model zip.</summary>
/// <param name="storage">The storage account.</param>
/// <param name="snapshots">The split snapshots.</param>
/// <param name="logger">Logger.</param>
public sealed class ModelTrainer(StorageClients storage, SnapshotStore snapshots, ILogger<ModelTrainer> logger)
{
    /// <summary>The staged model's blob name for a snapshot prefix.</summary>
    public static string StagedModelBlob(string prefix) => $"{prefix}/model.zip";

    /// <summary>Trains and stages the model.</summary>
    /// <exception cref="TrainingException">With TrainingFailed when ML.NET cannot fit the data.</exception>
    public async Task<TrainOutput> TrainAsync(TrainingJob job, IngestOutput ingest, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(ingest);
        var manifest = await snapshots.GetManifestAsync(ingest.SnapshotPrefix, cancellationToken);
        var trainer = TrainerCatalog.Validate(manifest.Schema.Task, job.Trainer, job.Hyperparameters);
        var folder = snapshots.LocalFolder(job.JobId);
        try
        {
            var train = await snapshots.OpenAsync(ingest.SnapshotPrefix, manifest, SplitName.Train, folder, cancellationToken);
            var ml = new MLContext(seed: job.Split.Seed);
            var watch = Stopwatch.StartNew();
            ITransformer model;
            try
            {
                model = TrainerFactory.Build(ml, manifest.Schema, trainer, job.Hyperparameters).Fit(train);
            }
            catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or FormatException)
            {
                throw new TrainingException(ErrorCode.TrainingFailed, $"Trainer '{trainer.Name}' could not fit {ingest.TrainRows} rows of '{job.Dataset}': {ex.Message}", ex);
            }

            watch.Stop();
            await using var zip = new MemoryStream();
            ml.Model.Save(model, train.Schema, zip);
            var (sha, bytes) = await ModelStore.UploadAsync(storage.Staging.GetBlobClient(StagedModelBlob(ingest.SnapshotPrefix)), zip, cancellationToken);
            logger.LogInformation("Trained {Model} with {Trainer} on {Rows} rows in {Seconds:F1}s", job.Model, trainer.Name, ingest.TrainRows, watch.Elapsed.TotalSeconds);
            return new TrainOutput(
                StagedModelBlob(ingest.SnapshotPrefix),
                sha,
                bytes,
                Math.Round(watch.Elapsed.TotalSeconds, 3),
                TrainerFactory.ToJson(TrainerFactory.Effective(trainer, job.Hyperparameters)));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
