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
public sealed record SnapshotManifest(SnapshotSchema Schema, IReadOnlyDictionary<string, long> Rows, IReadOnlyDictionary<string, string>? Notes = null);

/// <summary>Reads and writes split snapshots in the staging container (<c>training-staging/{prefix}/</c>).</summary>
/// <param name="storage">The storage account.</param>
/// <param name="options">Where local copies go.</param>
public sealed class SnapshotStore(StorageClients storage, IngestOptions options)
{
    /// <summary>A fresh local working folder for a job.</summary>
    public string LocalFolder(string jobId)
    {
        var folder = Path.Combine(string.IsNullOrEmpty(options.WorkDirectory) ? Path.GetTempPath() : options.WorkDirectory, "nbtrain", jobId, Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        return folder;
    }

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

    /// <summary>Downloads one split to a local folder and opens it as an ML.NET data view.</summary>
    public async Task<RowFileDataView> OpenAsync(string prefix, SnapshotManifest manifest, string split, string localFolder, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var path = Path.Combine(localFolder, split + ".rows");
        await Blob(prefix, split).DownloadToAsync(path, cancellationToken);
        return new RowFileDataView(path, manifest.Schema, manifest.Rows[split]);
    }

    /// <summary>Reads one staged split as a stream (rows in the snapshot format).</summary>
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

    private BlockBlobClient Blob(string prefix, string split) => storage.Staging.GetBlockBlobClient($"{prefix}/{split}.rows");

    private BlobClient Manifest(string prefix) => storage.Staging.GetBlobClient($"{prefix}/snapshot.json");
}
