using System.Text.Json;
using NetworkBuster.Training.Contracts;
using NetworkBuster.Training.Evaluation;
using NetworkBuster.Training.Registry;

namespace NetworkBuster.Training.Steps;

/// <summary>A version's <c>metadata.json</c> and the row columns drawn from its insights; written by register, completed by explain.</summary>
public static class VersionMetadata
{
    /// <summary>The ten most important features as the row's <c>FeatureImportance</c> JSON; null before explain measured them.</summary>
    public static string? TopImportance(ModelInsights? insights) =>
        insights is { FeatureImportance.Count: > 0 } ? JsonSerializer.Serialize(insights.FeatureImportance.Take(10).ToDictionary(f => f.Feature, f => f.Importance)) : null;

    /// <summary>The preset's bottlenecks as the row's <c>Bottlenecks</c> JSON, when it drew them.</summary>
    public static string? Bottlenecks(ModelInsights? insights) =>
        insights?.PerformanceReport is { } report ? JsonSerializer.Serialize(report.Compact()) : null;

    /// <summary><c>metadata.json</c>: the row, with the insights, search and curve the row has no room for.</summary>
    public static object Of(ModelVersionRow row, RegisterInput input) => new
    {
        row.Model,
        row.Version,
        row.Status,
        row.StatusReason,
        row.Trainer,
        Hyperparameters = JsonDocument.Parse(row.Hyperparameters ?? "{}").RootElement,
        Metrics = JsonDocument.Parse(row.Metrics ?? "{}").RootElement,
        row.PrimaryMetric,
        row.PrimaryMetricValue,
        DecisionThreshold = row.DecisionThreshold is { } threshold ? new { Value = threshold, Source = input.Train.ThresholdSource } : null,
        row.BaselineVersion,
        row.BaselineMetricValue,
        Dataset = new { Blob = row.DatasetBlob, Sha256 = row.DatasetSha256, ETag = row.DatasetETag },
        Rows = new { Train = row.TrainRows, Validation = row.ValidationRows, Test = row.TestRows, Bad = row.BadRows },
        InputSchema = row.InputSchema is { } schema
            ? JsonDocument.Parse(schema).RootElement
            : JsonSerializer.SerializeToElement(new { Blob = row.InputSchemaBlob, Sha256 = row.InputSchemaSha256 }, PipelineJson.Options),
        ModelZip = new { Blob = row.ModelBlob, Sha256 = row.ModelSha256, Bytes = row.ModelBytes },
        row.JobId,
        row.InstanceId,
        row.CodeVersion,
        row.TrainingSeconds,
        row.CreatedAt,
        Insights = input.Evaluation.InsightsJson is { } insights ? JsonDocument.Parse(insights).RootElement : (JsonElement?)null,
        Search = input.Train.SearchJson is { } search ? JsonDocument.Parse(search).RootElement : (JsonElement?)null,
        input.Train.Curve,
        Report = ModelVersionRow.ReportBlobOf(row.Model, row.Version),
        Profile = ModelVersionRow.ProfileBlobOf(row.Model, row.Version),
        input.Ingest.Drift,
    };
}
