using System.Diagnostics;
using Azure.Storage.Blobs.Specialized;
using NetworkBuster.Training.Datasets;
using NetworkBuster.Training.Steps;
using NetworkBuster.Training.Storage;

namespace NetworkBuster.Training.Cli.Benchmarks;

/// <summary>What one ingest case measured.</summary>
/// <param name="Bytes">The CSV's size.</param>
/// <param name="Rows">Its records.</param>
/// <param name="IngestSeconds">DatasetIngestor.IngestAsync, end to end (download, hash, parse, split, snapshot upload).</param>
/// <param name="DownloadSeconds">A plain download of the same blob read to the end (the mean of one before and one after the ingest).</param>
/// <param name="ParseSeconds">The parse reference: a bare Sylvan typed read of the same bytes from a local file (<see cref="ParseReference"/>; the mean of one before and one after the ingest).</param>
/// <param name="SnapshotBytes">The split snapshots ingest wrote to staging.</param>
/// <param name="IngestCpuSeconds">CPU time this process spent during the ingest (all its threads; Azurite's is not counted).</param>
/// <param name="UploadSeconds">A plain upload of as many bytes as the snapshots, written as ingest writes them (4 MB blocks, three blobs at once).</param>
public sealed record IngestMeasurement(long Bytes, long Rows, double IngestSeconds, double DownloadSeconds, double ParseSeconds, double IngestCpuSeconds, long SnapshotBytes, double UploadSeconds)
{
    /// <summary>The storage alone: a plain download of the CSV plus a plain upload of the snapshot bytes, in seconds (one Azurite serves both).</summary>
    public double StorageSeconds => DownloadSeconds + UploadSeconds;

    /// <summary>Parse reference throughput, MB per second.</summary>
    public double ParseMBps => Bytes / 1e6 / ParseSeconds;

    /// <summary>Ingest throughput, MB (10⁶ bytes) per second.</summary>
    public double IngestMBps => Bytes / 1e6 / IngestSeconds;

    /// <summary>Download throughput, MB per second.</summary>
    public double DownloadMBps => Bytes / 1e6 / DownloadSeconds;
}

/// <summary>Ingest throughput against a bare typed parse of the same bytes and a plain download of the same blob.</summary>
/// <param name="storage">The storage account.</param>
/// <param name="ingestor">The ingest step.</param>
/// <param name="snapshots">Staging, emptied after each case.</param>
public sealed class IngestBenchmark(StorageClients storage, DatasetIngestor ingestor, SnapshotStore snapshots)
{
    /// <summary>
    /// Generates a CSV of about <paramref name="bytes"/> bytes and uploads it; then a download and a parse of a local
    /// copy, the ingest, and the download and parse again.
    /// </summary>
    public async Task<IngestMeasurement> RunAsync(long bytes, CancellationToken cancellationToken)
    {
        var name = BenchmarkData.NewDatasetName($"ingest-{bytes / 1_000_000}mb");
        var (size, rows) = await BenchmarkData.UploadAsync(storage, name, maxBytes: bytes, cancellationToken: cancellationToken);
        var local = Path.Combine(Path.GetTempPath(), $"nbtrain-bench-parse-{Guid.NewGuid():N}.csv");
        try
        {
            await storage.Datasets.GetBlobClient(name).DownloadToAsync(local, cancellationToken);
            double downloadBefore = await DownloadAsync(name, cancellationToken);
            var (parseBefore, parsedRows) = ParseReference.Run(local);
            if (parsedRows != rows)
            {
                throw new InvalidOperationException($"The parse reference read {parsedRows} records, expected {rows}.");
            }

            var job = BenchmarkData.Job("bench-ingest-" + Guid.NewGuid().ToString("N")[..8], name);
            using var self = Process.GetCurrentProcess();
            var cpu = self.TotalProcessorTime;
            var watch = Stopwatch.StartNew();
            await ingestor.IngestAsync(job, cancellationToken);
            double ingest = watch.Elapsed.TotalSeconds;
            self.Refresh();
            double ingestCpu = (self.TotalProcessorTime - cpu).TotalSeconds;
            long snapshotBytes = 0;
            await foreach (var blob in storage.Staging.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, job.JobId + "/", cancellationToken))
            {
                snapshotBytes += blob.Properties.ContentLength ?? 0;
            }

            await snapshots.DeleteAsync(job.JobId, cancellationToken);
            double upload = await UploadAsync(job.JobId, snapshotBytes, cancellationToken);
            double downloadAfter = await DownloadAsync(name, cancellationToken);
            var (parseAfter, _) = ParseReference.Run(local);
            return new IngestMeasurement(size, rows, ingest, (downloadBefore + downloadAfter) / 2, (parseBefore + parseAfter) / 2, ingestCpu, snapshotBytes, upload);
        }
        finally
        {
            File.Delete(local);
            await storage.Datasets.DeleteBlobIfExistsAsync(name, cancellationToken: cancellationToken);
        }
    }

    // Three blobs written at once through 4 MB blocks, as the snapshot writers do, filled with incompressible bytes.
    private async Task<double> UploadAsync(string jobId, long bytes, CancellationToken cancellationToken)
    {
        var chunk = new byte[1 << 20];
        new Random(7).NextBytes(chunk);
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, 3).Select(async part =>
        {
            var blob = storage.Staging.GetBlockBlobClient($"{jobId}/upload-reference-{part}");
            await using var stream = await blob.OpenWriteAsync(overwrite: true, new Azure.Storage.Blobs.Models.BlockBlobOpenWriteOptions { BufferSize = 4 << 20 }, cancellationToken);
            for (long written = 0; written < bytes / 3; written += chunk.Length)
            {
                await stream.WriteAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, (bytes / 3) - written)), cancellationToken);
            }
        }));
        double seconds = watch.Elapsed.TotalSeconds;
        await snapshots.DeleteAsync(jobId, cancellationToken);
        return seconds;
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
