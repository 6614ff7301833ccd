using System.Text.Json;
using NetworkBuster.Training.Contracts;
using NetworkBuster.Training.Evaluation;
using NetworkBuster.Training.Registry;

namespace NetworkBuster.Training.Reports;

/// <summary>Builds the <see cref="ModelReport"/> of a version being registered from its row and the steps' outputs.</summary>
public static class ModelReportBuilder
{
    /// <summary>The report of <paramref name="row"/>, registered from <paramref name="input"/>.</summary>
    public static ModelReport From(ModelVersionRow row, ModelTask task, RegisterInput input)
    {
        ArgumentNullException.ThrowIfNull(row);
        ArgumentNullException.ThrowIfNull(input);
        var evaluation = input.Evaluation;
        var insights = ModelInsights.FromJson(evaluation.InsightsJson);
        var trials = input.Train.SearchJson is { } search ? JsonSerializer.Deserialize<List<TrialJson>>(search, PipelineJson.Options) ?? [] : [];
        return new ModelReport(
            row.Model,
            row.Version,
            task,
            row.Status,
            row.Trainer,
            evaluation.Promote,
            evaluation.Decision,
            evaluation.PrimaryMetric,
            evaluation.PrimaryMetricValue,
            evaluation.BaselineVersion,
            evaluation.BaselineMetricValue,
            evaluation.Metrics,
            insights?.Baselines ?? new Dictionary<string, double>())
        {
            JobId = row.JobId,
            Dataset = row.DatasetBlob,
            Rows = (row.TrainRows, row.ValidationRows, row.TestRows),
            CreatedAt = row.CreatedAt,
            Curves = insights?.Curves,
            FeatureImportance = insights?.FeatureImportance ?? [],
            TrainingCurve = input.Train.Curve,
            Trials = [.. trials.Select(t => new ReportTrial(t.Trial, t.Trainer, t.Value, t.Seconds))],
            TrialMetric = trials.FirstOrDefault()?.Metric,
            Drift = input.Ingest.Drift,
        };
    }

    private sealed record TrialJson(int Trial, string Trainer, double? Value, double Seconds, string? Metric);
}
