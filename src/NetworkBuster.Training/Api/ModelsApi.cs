using NetworkBuster.Training.Registry;
using NetworkBuster.Training.Reports;
using NetworkBuster.Training.Runs;
using NetworkBuster.Training.Storage;

namespace NetworkBuster.Training.Api;

/// <summary>Every model with a registered version.</summary>
/// <param name="Models">Each model's version count and current version.</param>
public sealed record ModelList(IReadOnlyList<ModelSummary> Models);

/// <summary>One model's versions, oldest first.</summary>
/// <param name="Model">The model.</param>
/// <param name="CurrentVersion">The current version, if any.</param>
/// <param name="Versions">Its versions.</param>
public sealed record ModelVersionList(string Model, int? CurrentVersion, IReadOnlyList<VersionSummary> Versions);

/// <summary>A version in a list.</summary>
public sealed record VersionSummary(int Version, string Status, bool IsCurrent, string? PrimaryMetric, double? PrimaryMetricValue, string? Trainer, string? JobId, DateTimeOffset? CreatedAt, DateTimeOffset? PromotedAt, string? StatusReason);

/// <summary>
/// <c>GET /api/models</c>, <c>GET /api/models/{model}</c> and <c>GET /api/models/{model}/versions/{version}</c>:
/// the <c>ModelRegistry</c> table and the links to a version's blobs.
/// </summary>
/// <param name="registry">The registry.</param>
/// <param name="storage">The storage account (the blobs' addresses).</param>
/// <param name="runs">Run rows (whether a version's report is prepared yet).</param>
public sealed class ModelsApi(ModelRegistry registry, StorageClients storage, RunStore runs)
{
    /// <summary>Every model and its current version.</summary>
    public async Task<ApiResult> ListAsync(CancellationToken cancellationToken = default) =>
        ApiResult.Ok(new ModelList([.. (await registry.SummarizeAsync(cancellationToken)).OrderBy(m => m.Model, StringComparer.Ordinal)]));

    /// <summary>One model's versions.</summary>
    public async Task<ApiResult> GetAsync(string model, CancellationToken cancellationToken = default)
    {
        if (RouteValues.InvalidModel(model) is { } invalid)
        {
            return invalid;
        }

        var rows = await registry.ListAsync(model, cancellationToken);
        return rows.Count == 0
            ? ApiResult.NotFound($"Model {model} does not exist: it has no registered version.")
            : ApiResult.Ok(new ModelVersionList(
                model,
                rows.FirstOrDefault(r => r.IsCurrent)?.Version,
                [.. rows.OrderBy(r => r.Version).Select(r => new VersionSummary(r.Version, r.Status, r.IsCurrent, r.PrimaryMetric, r.PrimaryMetricValue, r.Trainer, r.JobId, r.CreatedAt, r.PromotedAt, r.StatusReason))]));
    }

    /// <summary>One version: lineage, metrics and links to its report and model.</summary>
    public async Task<ApiResult> GetVersionAsync(string model, string version, CancellationToken cancellationToken = default)
    {
        if (RouteValues.InvalidModel(model) is { } invalid)
        {
            return invalid;
        }

        if (RouteValues.InvalidVersion(model, version, out int number) is { } invalidVersion)
        {
            return invalidVersion;
        }

        var row = await registry.GetAsync(model, number, cancellationToken);
        if (row is null)
        {
            return ApiResult.NotFound($"Version {model}:{number} does not exist in ModelRegistry.");
        }

        var run = row.JobId is { Length: > 0 } jobId ? await runs.GetAsync(jobId, cancellationToken) : null;
        return ApiResult.Ok(ModelVersionView.Of(row, row.BlobsDeletedAt is null ? BlobLinks(model, number) : null) with { Report = ReportStatus.Of(row, run) });
    }

    private VersionLinks BlobLinks(string model, int version) => new(
        storage.Models.GetBlobClient(ModelVersionRow.ModelBlobOf(model, version)).Uri.ToString(),
        storage.Models.GetBlobClient(ModelVersionRow.MetadataBlobOf(model, version)).Uri.ToString(),
        storage.Models.GetBlobClient(ModelVersionRow.ReportBlobOf(model, version)).Uri.ToString());
}
