using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using NetworkBuster.Training.Contracts;
using NetworkBuster.Training.Storage;

namespace NetworkBuster.Training.Datasets;

/// <summary>The split names of a snapshot.</summary>
public static class SplitName
{
    /// <summary>Rows the model is fitted on.</summary>
    public const string Train = "train";

    /// <summary>Rows used for early stopping and hyperparameter search.</summary>
    public const string Validation = "validation";

    /// <summary>Held-out rows the model is scored on, once.</summary>
    public const string Test = "test";
}

/// <summary>A snapshot's description, stored beside its split files.</summary>
/// <param name="Schema">The typed layout.</param>
/// <param name="Rows">Rows per split name.</param>
/// <param name="Notes">What the shaper and splitter decided (cutoffs, time boundaries), as short strings.</param>
/// <param name="Sha256">
/// The lowercase hex SHA-256 of each split's staged Arrow file, by split name: what a download is verified against and
/// the split's key in a machine's <see cref="SnapshotCache"/>. Absent in manifests written before snapshots were
/// Arrow files, whose splits are <c>{split}.rows</c> row files, still read.
/// </param>
public sealed record SnapshotManifest(
    SnapshotSchema Schema,
    IReadOnlyDictionary<string, long> Rows,
    IReadOnlyDictionary<string, string>? Notes = null,
    IReadOnlyDictionary<string, string>? Sha256 = null);

/// <summary>
/// Reads and writes split snapshots in the staging container (<c>training-staging/{prefix}/{split}.arrow</c>, Arrow
/// IPC files), and keeps the splits this machine wrote or read in a <see cref="SnapshotCache"/> under the work
/// directory, so train and evaluate on the machine that ingested (or read) a split do not download it again.
/// </summary>
/// <param name="storage">The storage account.</param>
/// <param name="options">Where local copies go, and the cache's bound.</param>
public sealed class SnapshotStore(StorageClients storage, IngestOptions options)
{
    private readonly SnapshotCache _cache = new(Path.Combine(WorkRoot(options), "nbtrain-cache", "snapshots"), options.SnapshotCacheBytes);

    /// <summary>The folder of this machine's snapshot cache.</summary>
    public string CacheFolder => _cache.Folder;

    /// <summary>A fresh local working folder for a job.</summary>
    public string LocalFolder(string jobId)
    {
        var folder = Path.Combine(WorkRoot(options), "nbtrain", jobId, Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        return folder;
    }

    /// <summary>A split's local row file in a job's folder: where ingest writes its copy and <see cref="OpenAsync"/> puts the split.</summary>
    public static string LocalPath(string localFolder, string split) => Path.Combine(localFolder, split + ".rows");

    /// <summary>
    /// Opens the train, validation and test files in staging for writing. Filled buffers upload in the background
    /// while the caller keeps writing; disposing a stream waits for its last buffer and commits the blob.
    /// </summary>
    public async Task<IReadOnlyList<Stream>> OpenWriteAsync(string prefix, CancellationToken cancellationToken)
    {
        var streams = new List<Stream>();
        try
        {
            foreach (var split in new[] { SplitName.Train, SplitName.Validation, SplitName.Test })
            {
                var blob = await Blob(prefix, split).OpenWriteAsync(overwrite: true, new BlockBlobOpenWriteOptions { BufferSize = 4 << 20 }, cancellationToken);
                streams.Add(new BackgroundWriteStream(blob, bufferSize: 1 << 20, depth: 4));
            }

            return streams;
        }
        catch
        {
            foreach (var stream in streams)
            {
                await stream.DisposeAsync();
            }

            throw;
        }
    }

    /// <summary>Writes the manifest: last, once every split is committed, so a manifest always names complete splits.</summary>
    public async Task WriteManifestAsync(string prefix, SnapshotManifest manifest, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        await Manifest(prefix).UploadAsync(BinaryData.FromObjectAsJson(manifest, PipelineJson.Options), overwrite: true, cancellationToken);
    }

    /// <summary>Reads a snapshot's manifest.</summary>
    public async Task<SnapshotManifest> GetManifestAsync(string prefix, CancellationToken cancellationToken)
    {
        var content = await Manifest(prefix).DownloadContentAsync(cancellationToken);
        return content.Value.Content.ToObjectFromJson<SnapshotManifest>(PipelineJson.Options)
            ?? throw new InvalidDataException($"The snapshot manifest of '{prefix}' is empty.");
    }

    /// <summary>Keeps the local row copies ingest wrote (in <paramref name="localFolder"/>) in this machine's cache, under the manifest's hashes.</summary>
    public void CacheLocalCopies(SnapshotManifest manifest, string localFolder)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        foreach (var (split, sha256) in manifest.Sha256 ?? new Dictionary<string, string>())
        {
            _cache.Add(sha256, LocalPath(localFolder, split));
        }
    }

    /// <summary>
    /// Puts one split in a local folder, as <c>{split}.rows</c>, and opens it as an ML.NET data view: from this
    /// machine's cache when it holds the split's hash, else downloaded, verified against the manifest's SHA-256,
    /// converted from Arrow once and cached.
    /// </summary>
    /// <exception cref="SnapshotIntegrityException">When the downloaded split's hash is not the manifest's.</exception>
    public async Task<RowFileDataView> OpenAsync(string prefix, SnapshotManifest manifest, string split, string localFolder, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var path = LocalPath(localFolder, split);
        File.Delete(path);
        if (manifest.Sha256 is null)
        {
            await storage.Staging.GetBlockBlobClient($"{prefix}/{split}.rows").DownloadToAsync(path, cancellationToken);
        }
        else if (!_cache.TryTake(manifest.Sha256[split], path))
        {
            await DownloadAsync(prefix, manifest, split, path, cancellationToken);
            _cache.Add(manifest.Sha256[split], path);
        }

        return new RowFileDataView(path, manifest.Schema, manifest.Rows[split]);
    }

    /// <summary>Reads one staged split as a stream (an Arrow IPC file; <see cref="SnapshotManifest.Sha256"/> is its hash).</summary>
    public async Task<Stream> OpenReadAsync(string prefix, string split, CancellationToken cancellationToken) =>
        await Blob(prefix, split).OpenReadAsync(cancellationToken: cancellationToken);

    /// <summary>Deletes a job's staging files (snapshots and the staged model).</summary>
    public async Task DeleteAsync(string prefix, CancellationToken cancellationToken)
    {
        await foreach (var blob in storage.Staging.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix + "/", cancellationToken))
        {
            await storage.Staging.DeleteBlobIfExistsAsync(blob.Name, cancellationToken: cancellationToken);
        }
    }

    private async Task DownloadAsync(string prefix, SnapshotManifest manifest, string split, string path, CancellationToken cancellationToken)
    {
        var blob = Blob(prefix, split);
        var arrow = path + ArrowSnapshot.Extension;
        try
        {
            string actual;
            await using (var file = new FileStream(arrow, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
            await using (var hashing = new HashingWriteStream(file, leaveOpen: true))
            {
                await blob.DownloadToAsync(hashing, cancellationToken);
                actual = hashing.Finish();
            }

            var expected = manifest.Sha256![split];
            if (!string.Equals(actual, expected, StringComparison.OrdinalIgnoreCase))
            {
                throw new SnapshotIntegrityException($"{blob.BlobContainerName}/{blob.Name}", expected, actual);
            }

            long rows = ArrowSnapshot.ConvertToRows(arrow, manifest.Schema, path);
            if (rows != manifest.Rows[split])
            {
                throw new InvalidDataException($"Expected {manifest.Rows[split]} rows in '{blob.BlobContainerName}/{blob.Name}' (its manifest), but found {rows}.");
            }
        }
        catch
        {
            File.Delete(path);
            throw;
        }
        finally
        {
            File.Delete(arrow);
        }
    }

    private static string WorkRoot(IngestOptions options) => string.IsNullOrEmpty(options.WorkDirectory) ? Path.GetTempPath() : options.WorkDirectory;

    private BlockBlobClient Blob(string prefix, string split) => storage.Staging.GetBlockBlobClient($"{prefix}/{split}{ArrowSnapshot.Extension}");

    private BlobClient Manifest(string prefix) => storage.Staging.GetBlobClient($"{prefix}/snapshot.json");
}
