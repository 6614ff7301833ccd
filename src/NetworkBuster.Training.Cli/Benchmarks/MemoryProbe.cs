using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using NetworkBuster.Training.Datasets;
using NetworkBuster.Training.Registry;
using NetworkBuster.Training.Steps;
using NetworkBuster.Training.Storage;
using NetworkBuster.Training.Training;

namespace NetworkBuster.Training.Cli.Benchmarks;

/// <summary>What a memory probe process saw.</summary>
/// <param name="Rows">Rows ingested (all splits).</param>
/// <param name="TrainRows">Rows fitted.</param>
/// <param name="Features">The width of the feature vector the trainer fitted (floats per row).</param>
/// <param name="StartWorkingSetBytes">The process's working set before ingest.</param>
/// <param name="PeakAfterIngestBytes">The process's peak working set when ingest had finished (before train).</param>
/// <param name="PeakWorkingSetBytes">The process's peak working set after ingest and train.</param>
/// <param name="Seconds">Ingest plus train.</param>
public sealed record MemoryProbeResult(long Rows, long TrainRows, int Features, long StartWorkingSetBytes, long PeakAfterIngestBytes, long PeakWorkingSetBytes, double Seconds);

/// <summary>
/// The ingest and train steps of one job, run in a process of their own so that the process's peak working set
/// (Linux VmHWM) is theirs alone.
/// </summary>
/// <param name="storage">The storage account.</param>
/// <param name="ingestor">The ingest step.</param>
/// <param name="trainer">The train step.</param>
/// <param name="snapshots">Staging, emptied afterwards.</param>
public sealed class MemoryProbe(StorageClients storage, DatasetIngestor ingestor, ModelTrainer trainer, SnapshotStore snapshots)
{
    /// <summary>Ingests and trains <paramref name="dataset"/> with the preset's defaults.</summary>
    public async Task<MemoryProbeResult> RunAsync(string dataset, CancellationToken cancellationToken)
    {
        using var self = Process.GetCurrentProcess();
        long start = self.WorkingSet64;
        var job = BenchmarkData.Job("bench-memory-" + Guid.NewGuid().ToString("N")[..8], dataset);
        var watch = Stopwatch.StartNew();
        try
        {
            var ingest = await ingestor.IngestAsync(job, cancellationToken);
            self.Refresh();
            long afterIngest = self.PeakWorkingSet64;
            var train = await trainer.TrainAsync(job, ingest, cancellationToken);
            double seconds = watch.Elapsed.TotalSeconds;
            self.Refresh();
            long peak = self.PeakWorkingSet64;
            int features = await FeatureWidthAsync(train.ModelBlob, train.ModelSha256, cancellationToken);
            return new MemoryProbeResult(ingest.TrainRows + ingest.ValidationRows + ingest.TestRows, ingest.TrainRows, features, start, afterIngest, peak, seconds);
        }
        finally
        {
            await snapshots.DeleteAsync(job.JobId, CancellationToken.None);
        }
    }

    private async Task<int> FeatureWidthAsync(string modelBlob, string sha256, CancellationToken cancellationToken)
    {
        var ml = new MLContext();
        await using var zip = await ModelStore.DownloadVerifiedAsync(storage.Staging.GetBlobClient(modelBlob), sha256, cancellationToken);
        var model = ModelContext.Load(ml, zip, out var input);
        return model.GetOutputSchema(input)[TrainerFactory.FeaturesColumn].Type is VectorDataViewType vector ? vector.Size : 1;
    }
}
