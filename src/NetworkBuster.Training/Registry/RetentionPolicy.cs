using Microsoft.Extensions.Logging;

namespace NetworkBuster.Training.Registry;

/// <summary>Registry settings (configuration section <c>Training:Registry</c>).</summary>
public sealed class RegistryOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Training:Registry";

    /// <summary>How many non-current versions keep their blobs; older ones become deprecated and lose them.</summary>
    public int KeepVersions { get; set; } = 10;

    /// <summary>Every problem with the values, each naming the setting, the value found and the allowed range.</summary>
    public IEnumerable<string> Validate()
    {
        if (KeepVersions is < 1 or > 10_000)
        {
            yield return $"{Section}:KeepVersions must be 1–10000, found {KeepVersions}.";
        }
    }
}

/// <summary>
/// Keeps the blobs of the newest <see cref="RegistryOptions.KeepVersions"/> non-current versions. Older versions
/// are marked deprecated (the row first, guarded by its ETag, so a concurrent promotion of it fails and re-reads),
/// then their blobs are deleted. Rows are never deleted.
/// </summary>
/// <param name="registry">The registry.</param>
/// <param name="store">The model store, which deletes the blobs.</param>
/// <param name="options">How many to keep.</param>
/// <param name="time">The clock.</param>
/// <param name="logger">Logger.</param>
public sealed class RetentionPolicy(ModelRegistry registry, ModelStore store, RegistryOptions options, TimeProvider time, ILogger<RetentionPolicy> logger)
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
            if (!await registry.MarkBlobsDeletedAsync(row, time.GetUtcNow(), cancellationToken))
            {
                // Changed since we read it (perhaps promoted): leave it for the next pass.
                continue;
            }

            await store.DeleteVersionAsync(model, row.Version, cancellationToken);
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
