using System.Net;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using NetworkBuster.Training.Storage;

namespace NetworkBuster.Training.Registry;

/// <summary>Registry settings (configuration section <c>Training:Registry</c>).</summary>
public sealed class RegistryOptions
{
    /// <summary>How many non-current versions keep their blobs; older ones become deprecated and lose them.</summary>
    public int KeepVersions { get; set; } = 10;
}

/// <summary>
/// Keeps the blobs of the newest <see cref="RegistryOptions.KeepVersions"/> non-current versions. Older versions
/// are marked deprecated (the row first, guarded by its ETag, so a concurrent promotion of it fails and re-reads),
/// then their blobs are deleted. Rows are never deleted.
/// </summary>
/// <param name="storage">The storage account.</param>
/// <param name="registry">The registry.</param>
/// <param name="options">How many to keep.</param>
/// <param name="time">The clock.</param>
/// <param name="logger">Logger.</param>
public sealed class RetentionPolicy(StorageClients storage, ModelRegistry registry, RegistryOptions options, TimeProvider time, ILogger<RetentionPolicy> logger)
{
    /// <summary>Applies retention to one model.</summary>
    /// <returns>The versions whose blobs were deleted.</returns>
    public async Task<IReadOnlyList<int>> ApplyAsync(string model, CancellationToken cancellationToken = default)
    {
        var expired = (await registry.ListAsync(model, cancellationToken))
            .Where(r => !r.IsCurrent && r.BlobsDeletedAt is null)
            .OrderByDescending(r => r.Version)
            .Skip(Math.Max(0, options.KeepVersions))
            .ToList();
        var deleted = new List<int>();
        foreach (var row in expired)
        {
            var at = time.GetUtcNow();
            try
            {
                await storage.Registry.UpdateEntityAsync(
                    new TableEntity(model, row.RowKey) { ["Status"] = VersionStatus.Deprecated, ["BlobsDeletedAt"] = at, ["IsCurrent"] = false },
                    row.ETag,
                    TableUpdateMode.Merge,
                    cancellationToken);
            }
            catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.PreconditionFailed)
            {
                // Changed since we read it (perhaps promoted): leave it for the next pass.
                continue;
            }

            await storage.Models.DeleteBlobIfExistsAsync(ModelVersionRow.ModelBlobOf(model, row.Version), cancellationToken: cancellationToken);
            await storage.Models.DeleteBlobIfExistsAsync(ModelVersionRow.MetadataBlobOf(model, row.Version), cancellationToken: cancellationToken);
            deleted.Add(row.Version);
        }

        if (deleted.Count > 0)
        {
            logger.LogInformation("Retention deprecated {Model} versions {Versions} and deleted their blobs", model, deleted);
            await registry.AppendHistoryAsync(model, null, null, HistoryAction.Retention, "retention", $"deleted blobs of versions {string.Join(", ", deleted)}; kept {options.KeepVersions} non-current", time.GetUtcNow(), cancellationToken);
        }

        return deleted;
    }
}
