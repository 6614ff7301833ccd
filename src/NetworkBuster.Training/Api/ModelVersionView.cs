using System.Text.Json;
using NetworkBuster.Training.Registry;

namespace NetworkBuster.Training.Api;

/// <summary>Where a version's blobs are in <c>ml-models</c> (reading them needs access to the storage account).</summary>
/// <param name="Model">The <c>model.zip</c>.</param>
/// <param name="Metadata">The <c>metadata.json</c> beside it.</param>
/// <param name="Report">The <c>report.html</c> beside it.</param>
public sealed record VersionLinks(string Model, string Metadata, string Report);

/// <summary>A version as the API shows it: the contract's <c>ModelRegistry</c> columns, JSON columns as JSON, and links.</summary>
public sealed record ModelVersionView(
    string Model,
    int Version,
    string Status,
    string? StatusReason,
    bool IsCurrent,
    string? Trainer,
    JsonElement? Hyperparameters,
    JsonElement? Metrics,
    string? PrimaryMetric,
    double? PrimaryMetricValue,
    int? BaselineVersion,
    double? BaselineMetricValue,
    double? DecisionThreshold,
    string? DatasetBlob,
    string? DatasetSha256,
    long TrainRows,
    long ValidationRows,
    long TestRows,
    string? ModelSha256,
    long ModelBytes,
    string? JobId,
    double TrainingSeconds,
    JsonElement? FeatureImportance,
    JsonElement? Baselines,
    JsonElement? Drift,
    DateTimeOffset? CreatedAt,
    DateTimeOffset? PromotedAt,
    DateTimeOffset? BlobsDeletedAt,
    VersionLinks? Links)
{
    /// <summary>Whether <c>report.html</c> is prepared yet (it follows registration), and what a person reads about it.</summary>
    public Reports.ReportStatus? Report { get; init; }

    /// <summary>The view of a row; <paramref name="links"/> null when its blobs were deleted.</summary>
    public static ModelVersionView Of(ModelVersionRow row, VersionLinks? links)
    {
        ArgumentNullException.ThrowIfNull(row);
        return new(
            row.Model, row.Version, row.Status, row.StatusReason, row.IsCurrent, row.Trainer, Json(row.Hyperparameters), Json(row.Metrics),
            row.PrimaryMetric, row.PrimaryMetricValue, row.BaselineVersion, row.BaselineMetricValue, row.DecisionThreshold, row.DatasetBlob,
            row.DatasetSha256, row.TrainRows, row.ValidationRows, row.TestRows, row.ModelSha256, row.ModelBytes, row.JobId, row.TrainingSeconds,
            Json(row.FeatureImportance), Json(row.Baselines), Json(row.Drift), row.CreatedAt, row.PromotedAt, row.BlobsDeletedAt, links);
    }

    // The JSON columns are written by the pipeline; one that does not parse is shown as absent rather than failing the request.
    private static JsonElement? Json(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
