using Azure.Storage;
using Azure.Storage.Blobs.Models;
using NetworkBuster.Training.Contracts;
using NetworkBuster.Training.Presets;
using NetworkBuster.Training.Storage;
using NetworkBuster.Training.Training;

namespace NetworkBuster.Training.Cli.Benchmarks;

/// <summary>Generated datasets and jobs for benchmarks.</summary>
public static class BenchmarkData
{
    private static readonly StorageTransferOptions Transfer = new()
    {
        InitialTransferSize = 8 << 20,
        MaximumTransferSize = 8 << 20,
        MaximumConcurrency = 2,
    };

    /// <summary>A blob name under the preset's folder that no other run uses.</summary>
    public static string NewDatasetName(string label) =>
        $"{PresetCatalog.PerformanceOptimizer.Name}/bench-{label}-{Guid.NewGuid().ToString("N")[..8]}.csv";

    /// <summary>Generates and uploads a CSV while it is generated (at most one 8 MB block per upload in flight is buffered).</summary>
    /// <returns>The bytes and rows uploaded.</returns>
    public static async Task<(long Bytes, long Rows)> UploadAsync(
        StorageClients storage, string blobName, long maxRows = long.MaxValue, long maxBytes = long.MaxValue, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(storage);
        await using var csv = new PerformanceCsvStream(maxRows, maxBytes);
        await storage.Datasets.GetBlobClient(blobName).UploadAsync(csv, new BlobUploadOptions { TransferOptions = Transfer }, cancellationToken);
        return (csv.BytesRead, csv.Rows);
    }

    /// <summary>A validated <c>performance-optimizer</c> job as the parser would produce it from a minimal message.</summary>
    public static TrainingJob Job(string jobId, string dataset, string trainer = "fasttree") => new(
        jobId,
        PresetCatalog.PerformanceOptimizer.Name,
        dataset,
        trainer,
        new Dictionary<string, double>(),
        JobPriority.Normal,
        TimeoutMinutes: 120,
        PromotionPolicy.Auto,
        Spec: null,
        new SplitSpec());

    /// <summary>
    /// A queue message for a <c>performance-optimizer</c> FastTree job with the trainer options bare ML.NET uses
    /// (<see cref="BareMlNet"/>: the pipeline's FastTree defaults, one fit, no early stopping), so a job and its
    /// reference do the same learning and the difference is the pipeline's own work.
    /// </summary>
    public static string Message(string jobId, string dataset)
    {
        var hyperparameters = new Dictionary<string, double>(TrainerFactory.Effective(TrainerCatalog.FastTree, new Dictionary<string, double>()))
        {
            [EarlyStopping.PatienceName] = 0,
        };
        return System.Text.Json.JsonSerializer.Serialize(new { jobId, model = PresetCatalog.PerformanceOptimizer.Name, dataset, trainer = "fasttree", hyperparameters });
    }
}
