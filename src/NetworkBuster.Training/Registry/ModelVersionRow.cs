using System.Globalization;
using Azure;
using Azure.Data.Tables;

namespace NetworkBuster.Training.Registry;

/// <summary>A <c>ModelRegistry</c> row: PartitionKey = model, RowKey = version as 6 zero-padded digits.</summary>
public sealed class ModelVersionRow : ITableEntity
{
    /// <inheritdoc />
    public string PartitionKey { get; set; } = "";

    /// <inheritdoc />
    public string RowKey { get; set; } = "";

    /// <inheritdoc />
    public DateTimeOffset? Timestamp { get; set; }

    /// <inheritdoc />
    public ETag ETag { get; set; }

    public string Model { get; set; } = "";

    public int Version { get; set; }

    public string Status { get; set; } = VersionStatus.Available;

    public string? StatusReason { get; set; }

    public bool IsCurrent { get; set; }

    public string? Trainer { get; set; }

    public string? Hyperparameters { get; set; }

    public string? Metrics { get; set; }

    public string? PrimaryMetric { get; set; }

    public double? PrimaryMetricValue { get; set; }

    public int? BaselineVersion { get; set; }

    public double? BaselineMetricValue { get; set; }

    public string? DatasetBlob { get; set; }

    public string? DatasetSha256 { get; set; }

    public string? DatasetETag { get; set; }

    public long TrainRows { get; set; }

    public long ValidationRows { get; set; }

    public long TestRows { get; set; }

    public long BadRows { get; set; }

    /// <summary>The input schema as JSON, when it fits a table property (<see cref="MaxInlineSchemaChars"/>).</summary>
    public string? InputSchema { get; set; }

    /// <summary>Where a schema too wide for the row is kept (<c>{model}/v{version}/schema.json</c>); null when inline.</summary>
    public string? InputSchemaBlob { get; set; }

    /// <summary>The SHA-256 of <see cref="InputSchemaBlob"/>, verified when it is read.</summary>
    public string? InputSchemaSha256 { get; set; }

    public string? ModelBlob { get; set; }

    /// <summary>
    /// Binary models: the probability at or above which <c>predict</c> says positive (chosen on validation). Anomaly
    /// models: the score at or above which a row is flagged (chosen on validation, or by contamination).
    /// </summary>
    public double? DecisionThreshold { get; set; }

    public string? ModelSha256 { get; set; }

    public long ModelBytes { get; set; }

    public string? JobId { get; set; }

    public string? InstanceId { get; set; }

    public string? CodeVersion { get; set; }

    public double TrainingSeconds { get; set; }

    /// <summary>The ten most important features (permutation importance on the test split) as JSON.</summary>
    public string? FeatureImportance { get; set; }

    /// <summary>Trivial baselines' metrics on the same test rows as JSON.</summary>
    public string? Baselines { get; set; }

    /// <summary>For <c>performance-optimizer</c>: endpoint → bottleneck and its predicted delta, as JSON.</summary>
    public string? Bottlenecks { get; set; }

    /// <summary>The training data against the previous current version's profile (max PSI, level, top features), as JSON.</summary>
    public string? Drift { get; set; }

    public DateTimeOffset? CreatedAt { get; set; }

    public DateTimeOffset? PromotedAt { get; set; }

    /// <summary>When retention deleted this version's blobs (the row is kept).</summary>
    public DateTimeOffset? BlobsDeletedAt { get; set; }

    /// <summary>Whether the version can serve: available and its blobs kept.</summary>
    public bool IsServable => Status == VersionStatus.Available && BlobsDeletedAt is null;

    /// <summary>The RowKey of a version.</summary>
    public static string KeyOf(int version) => version.ToString("D6", CultureInfo.InvariantCulture);

    /// <summary>The model zip of a version inside <c>ml-models</c>.</summary>
    public static string ModelBlobOf(string model, int version) => $"{FolderOf(model, version)}/model.zip";

    /// <summary>
    /// The longest schema JSON kept in the row: a table string property holds 32K UTF-16 characters and the whole
    /// entity 1 MB, so a schema of thousands of columns goes to <see cref="SchemaBlobOf"/> instead.
    /// </summary>
    public const int MaxInlineSchemaChars = 30_000;

    /// <summary>The input schema of a version too wide for its row, inside <c>ml-models</c>.</summary>
    public static string SchemaBlobOf(string model, int version) => $"{FolderOf(model, version)}/schema.json";

    /// <summary>The training split's per-feature distribution of a version inside <c>ml-models</c> (the drift reference).</summary>
    public static string ProfileBlobOf(string model, int version) => $"{FolderOf(model, version)}/profile.json";

    /// <summary>The self-contained HTML report of a version inside <c>ml-models</c>.</summary>
    public static string ReportBlobOf(string model, int version) => $"{FolderOf(model, version)}/report.html";

    /// <summary>The metadata of a version inside <c>ml-models</c>.</summary>
    public static string MetadataBlobOf(string model, int version) => $"{FolderOf(model, version)}/metadata.json";

    /// <summary>The blob folder of a version inside <c>ml-models</c>.</summary>
    public static string FolderOf(string model, int version) => string.Create(CultureInfo.InvariantCulture, $"{model}/v{version}");
}

/// <summary>The contract's version statuses.</summary>
public static class VersionStatus
{
    /// <summary>Usable; may be current.</summary>
    public const string Available = "available";

    /// <summary>Registered but failed the promotion gate.</summary>
    public const string Rejected = "rejected";

    /// <summary>Retired (rolled back, or past retention).</summary>
    public const string Deprecated = "deprecated";
}
