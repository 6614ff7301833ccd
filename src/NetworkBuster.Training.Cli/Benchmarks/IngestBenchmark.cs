using System.Diagnostics;
using NetworkBuster.Training.Datasets;
using NetworkBuster.Training.Steps;
using NetworkBuster.Training.Storage;

namespace NetworkBuster.Training.Cli.Benchmarks;

/// <summary>What one ingest case measured.</summary>
/// <param name="Bytes">The CSV's size.</param>
/// <param name="Rows">Its records.</param>
/// <param name="IngestSeconds">DatasetIngestor.IngestAsync, end to end (download, hash, parse, split, snapshot upload).</param>
/// <param name="DownloadSeconds">A plain download of the same blob read to the end (the mean of one before and one after the ingest).</param>
public sealed record IngestMeasurement(long Bytes, long Rows, double IngestSeconds, double DownloadSeconds)
{
    /// <summary>Ingest throughput, MB (10⁶ bytes) per second.</summary>
    public double IngestMBps => Bytes / 1e6 / IngestSeconds;

    /// <summary>Download throughput, MB per second.</summary>
    public double DownloadMBps => Bytes / 1e6 / DownloadSeconds;
}

/// <summary>Ingest throughput against a plain download of the same blob from the same storage.</summary>
/// <param name="storage">The storage account.</param>
/// <param name="ingestor">The ingest step.</param>
/// <param name="snapshots">Staging, emptied after each case.</param>
public sealed class IngestBenchmark(StorageClients storage, DatasetIngestor ingestor, SnapshotStore snapshots)
{
    /// <summary>Generates a CSV of about <paramref name="bytes"/> bytes, uploads it, downloads it, ingests it, downloads it again.</summary>
    public async Task<IngestMeasurement> RunAsync(long bytes, CancellationToken cancellationToken)
    {
        var name = BenchmarkData.NewDatasetName($"ingest-{bytes / 1_000_000}mb");
        var (size, rows) = await BenchmarkData.UploadAsync(storage, name, maxBytes: bytes, cancellationToken: cancellationToken);
        try
        {
            double before = await DownloadAsync(name, cancellationToken);
            var job = BenchmarkData.Job("bench-ingest-" + Guid.NewGuid().ToString("N")[..8], name);
            var watch = Stopwatch.StartNew();
            await ingestor.IngestAsync(job, cancellationToken);
            double ingest = watch.Elapsed.TotalSeconds;
            await snapshots.DeleteAsync(job.JobId, cancellationToken);
            double after = await DownloadAsync(name, cancellationToken);
            return new IngestMeasurement(size, rows, ingest, (before + after) / 2);
        }
        finally
        {
            await storage.Datasets.DeleteBlobIfExistsAsync(name, cancellationToken: cancellationToken);
        }
    }

    private async Task<double> DownloadAsync(string name, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var download = await storage.Datasets.GetBlobClient(name).DownloadStreamingAsync(cancellationToken: cancellationToken);
        await using var content = download.Value.Content;
        var buffer = new byte[1 << 16];
        while (await content.ReadAsync(buffer, cancellationToken) > 0)
        {
        }

        return watch.Elapsed.TotalSeconds;
    }
}
