using System.Security.Cryptography;
using System.Text.Json;
using Azure.Storage.Blobs;
using Microsoft.ML;
using NetworkBuster.Training.Contracts;
using NetworkBuster.Training.Datasets;
using NetworkBuster.Training.Storage;

namespace NetworkBuster.Training.Registry;

/// <summary>Model zips in storage: saved with their SHA-256, verified against it on every load.</summary>
/// <param name="storage">The storage account.</param>
public sealed class ModelStore(StorageClients storage)
{
    /// <summary>Uploads a model zip and returns its SHA-256 and size.</summary>
    public static async Task<(string Sha256, long Bytes)> UploadAsync(BlobClient blob, Stream content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(blob);
        ArgumentNullException.ThrowIfNull(content);
        content.Position = 0;
        var sha = Convert.ToHexStringLower(await SHA256.HashDataAsync(content, cancellationToken));
        content.Position = 0;
        await blob.UploadAsync(content, overwrite: true, cancellationToken);
        return (sha, content.Length);
    }

    /// <summary>Downloads a blob and verifies its SHA-256.</summary>
    /// <exception cref="ModelIntegrityException">When the hash differs.</exception>
    public static async Task<MemoryStream> DownloadVerifiedAsync(BlobClient blob, string expectedSha256, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(blob);
        var buffer = new MemoryStream();
        await blob.DownloadToAsync(buffer, cancellationToken);
        buffer.Position = 0;
        var actual = Convert.ToHexStringLower(await SHA256.HashDataAsync(buffer, cancellationToken));
        if (!string.Equals(actual, expectedSha256, StringComparison.OrdinalIgnoreCase))
        {
            await buffer.DisposeAsync();
            throw new ModelIntegrityException($"{blob.BlobContainerName}/{blob.Name}", expectedSha256, actual);
        }

        buffer.Position = 0;
        return buffer;
    }

    /// <summary>Loads a registered version's model after verifying its hash against the row.</summary>
    /// <exception cref="ModelIntegrityException">When the blob's hash differs from <c>ModelSha256</c>.</exception>
    public async Task<ITransformer> LoadAsync(MLContext ml, ModelVersionRow row, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ml);
        await using var stream = await DownloadModelAsync(row, cancellationToken);
        return Training.ModelContext.Load(ml, stream, out _);
    }

    /// <summary>A registered version's model zip, in memory, after verifying its hash against the row.</summary>
    /// <exception cref="ModelIntegrityException">When the blob's hash differs from <c>ModelSha256</c>.</exception>
    public async Task<MemoryStream> DownloadModelAsync(ModelVersionRow row, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(row);
        var blob = storage.Models.GetBlobClient(row.ModelBlob ?? throw new InvalidOperationException($"{row.Model}:{row.Version} has no model blob (deleted by retention)."));
        return await DownloadVerifiedAsync(blob, row.ModelSha256 ?? "", cancellationToken);
    }

    /// <summary>A registered version's input schema JSON: from the row, or from its schema blob after verifying the hash.</summary>
    /// <exception cref="ModelIntegrityException">When the schema blob's hash differs from <c>InputSchemaSha256</c>.</exception>
    public async Task<string?> InputSchemaJsonAsync(ModelVersionRow row, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(row);
        if (row.InputSchema is not null || row.InputSchemaBlob is null)
        {
            return row.InputSchema;
        }

        await using var stream = await DownloadVerifiedAsync(storage.Models.GetBlobClient(row.InputSchemaBlob), row.InputSchemaSha256 ?? "", cancellationToken);
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync(cancellationToken);
    }

    /// <summary>A registered version's input schema (what scoring maps rows to), read as <see cref="InputSchemaJsonAsync"/> reads it.</summary>
    /// <exception cref="RegistryException">When the version has no input schema.</exception>
    /// <exception cref="ModelIntegrityException">When the schema blob's hash differs from <c>InputSchemaSha256</c>.</exception>
    public async Task<SnapshotSchema> InputSchemaAsync(ModelVersionRow row, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(row);
        return JsonSerializer.Deserialize<SnapshotSchema>(await InputSchemaJsonAsync(row, cancellationToken) ?? "null", PipelineJson.Options)
            ?? throw new RegistryException($"{row.Model}:{row.Version} has no input schema.");
    }

    /// <summary>The model zip blob of a version.</summary>
    public BlobClient ModelBlob(string model, int version) => storage.Models.GetBlobClient(ModelVersionRow.ModelBlobOf(model, version));

    /// <summary>The metadata blob of a version.</summary>
    public BlobClient MetadataBlob(string model, int version) => storage.Models.GetBlobClient(ModelVersionRow.MetadataBlobOf(model, version));

    /// <summary>The schema blob of a version (used when the schema is too wide for the row).</summary>
    public BlobClient SchemaBlob(string model, int version) => storage.Models.GetBlobClient(ModelVersionRow.SchemaBlobOf(model, version));

    /// <summary>A version's <c>report.html</c> blob.</summary>
    public BlobClient ReportBlob(string model, int version) => storage.Models.GetBlobClient(ModelVersionRow.ReportBlobOf(model, version));

    /// <summary>Deletes a version's model, metadata and schema blobs (idempotent).</summary>
    public async Task DeleteVersionAsync(string model, int version, CancellationToken cancellationToken = default)
    {
        await ModelBlob(model, version).DeleteIfExistsAsync(cancellationToken: cancellationToken);
        await MetadataBlob(model, version).DeleteIfExistsAsync(cancellationToken: cancellationToken);
        await SchemaBlob(model, version).DeleteIfExistsAsync(cancellationToken: cancellationToken);
    }
}
