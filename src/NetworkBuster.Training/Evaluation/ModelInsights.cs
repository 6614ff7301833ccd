using System.Text.Json;

using NetworkBuster.Training.Contracts;

namespace NetworkBuster.Training.Evaluation;

/// <summary>How much the test metric degrades when one feature column is shuffled (permutation importance).</summary>
/// <param name="Feature">The snapshot column (a CSV column, a timestamp part or an aggregate).</param>
/// <param name="Importance">The primary metric's degradation (positive: the model relies on it).</param>
public sealed record FeatureImportance(string Feature, double Importance);

/// <summary>What a version's evaluation learned beyond its metrics; stored in <c>metadata.json</c>.</summary>
/// <param name="ImportanceMetric">The metric whose degradation <paramref name="FeatureImportance"/> measures.</param>
/// <param name="FeatureImportance">Permutation importance on the test split, most important first.</param>
/// <param name="Baselines">Trivial predictors' metrics on the same test rows (e.g. <c>RMSE.mean</c>, <c>NDCG@10.popularity</c>).</param>
/// <param name="PerformanceReport">For <c>performance-optimizer</c>: per-endpoint bottlenecks and recommendations.</param>
/// <param name="Notes">What ingest decided (cutoffs, time boundaries, held-out users).</param>
public sealed record ModelInsights(
    string ImportanceMetric,
    IReadOnlyList<FeatureImportance> FeatureImportance,
    IReadOnlyDictionary<string, double> Baselines,
    PerformanceReport? PerformanceReport,
    IReadOnlyDictionary<string, string>? Notes)
{
    /// <summary>The test split's curves for the report (ROC, calibration, residuals…); null for k-fold splits, which hold no rows out.</summary>
    public EvaluationCurves? Curves { get; init; }

    /// <summary>As compact JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, PipelineJson.Options);

    /// <summary>Reads insights JSON (from an evaluate output or <c>metadata.json</c>'s <c>insights</c>).</summary>
    public static ModelInsights? FromJson(string? json) => string.IsNullOrEmpty(json) ? null : JsonSerializer.Deserialize<ModelInsights>(json, PipelineJson.Options);
}
