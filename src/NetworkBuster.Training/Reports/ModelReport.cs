using NetworkBuster.Training.Contracts;
using NetworkBuster.Training.Evaluation;

namespace NetworkBuster.Training.Reports;

/// <summary>One trial of a hyperparameter search or <c>auto</c> comparison, as the report lists it.</summary>
/// <param name="Trial">Its number.</param>
/// <param name="Trainer">The trainer.</param>
/// <param name="Value">The compared metric (null when undefined).</param>
/// <param name="Seconds">Fit and score time.</param>
public sealed record ReportTrial(int Trial, string Trainer, double? Value, double Seconds);

/// <summary>
/// Everything <c>report.html</c> shows for one version; <see cref="ReportHtml.Render"/> turns it into the page.
/// </summary>
/// <param name="Model">The model.</param>
/// <param name="Version">The version.</param>
/// <param name="Task">What it learns (chooses the charts).</param>
/// <param name="Status">available or rejected.</param>
/// <param name="Trainer">The trainer used.</param>
/// <param name="Promote">The gate's decision.</param>
/// <param name="Decision">The gate's reason.</param>
/// <param name="PrimaryMetric">The compared metric.</param>
/// <param name="PrimaryMetricValue">Its value on the test split.</param>
/// <param name="BaselineVersion">The current version it was compared with.</param>
/// <param name="BaselineMetricValue">That version's value on the same rows.</param>
/// <param name="Metrics">Every metric.</param>
/// <param name="Baselines">Trivial predictors' metrics on the same rows.</param>
public sealed record ModelReport(
    string Model,
    int Version,
    ModelTask Task,
    string Status,
    string? Trainer,
    bool Promote,
    string Decision,
    string PrimaryMetric,
    double? PrimaryMetricValue,
    int? BaselineVersion,
    double? BaselineMetricValue,
    IReadOnlyDictionary<string, double> Metrics,
    IReadOnlyDictionary<string, double> Baselines)
{
    /// <summary>The job that trained it.</summary>
    public string? JobId { get; init; }

    /// <summary>The dataset blob.</summary>
    public string? Dataset { get; init; }

    /// <summary>Rows of the train, validation and test splits.</summary>
    public (long Train, long Validation, long Test) Rows { get; init; }

    /// <summary>When it was registered.</summary>
    public DateTimeOffset? CreatedAt { get; init; }

    /// <summary>The test split's curves (null for k-fold splits).</summary>
    public EvaluationCurves? Curves { get; init; }

    /// <summary>Permutation importance, most important first.</summary>
    public IReadOnlyList<FeatureImportance> FeatureImportance { get; init; } = [];

    /// <summary>The validation metric by boosting round, when early stopping watched one.</summary>
    public TrainingCurve? TrainingCurve { get; init; }

    /// <summary>The search's trials (empty when the job did not search).</summary>
    public IReadOnlyList<ReportTrial> Trials { get; init; } = [];

    /// <summary>The training data against the previous current version's profile; null for a first version.</summary>
    public DriftReport? Drift { get; init; }

    /// <summary>The metric the trials compared.</summary>
    public string? TrialMetric { get; init; }

    /// <summary>The charts this report draws, by their <c>data-chart</c> name, in page order.</summary>
    public IReadOnlyList<string> Charts => [.. ChartNames()];

    private IEnumerable<string> ChartNames()
    {
        if (Curves is { } c)
        {
            if (c.Roc is { Count: > 0 })
            {
                yield return ReportCharts.Roc;
            }

            if (c.PrecisionRecall is { Count: > 0 })
            {
                yield return ReportCharts.PrecisionRecall;
            }

            if (c.Confusion is not null)
            {
                yield return ReportCharts.Confusion;
            }

            if (c.Calibration is { Count: > 0 })
            {
                yield return ReportCharts.Calibration;
            }

            if (c.PredictedVsActual is { Count: > 0 })
            {
                yield return ReportCharts.PredictedVsActual;
            }

            if (c.Residuals is { Count: > 0 })
            {
                yield return ReportCharts.Residuals;
            }

            if (c.Scores is { Count: > 0 })
            {
                yield return ReportCharts.Scores;
            }
        }

        if (Task == ModelTask.Recommendation && Metrics.Keys.Any(ReportCharts.IsRankingMetric))
        {
            yield return ReportCharts.Ranking;
        }

        if (FeatureImportance.Count > 0)
        {
            yield return ReportCharts.FeatureImportance;
        }

        if (TrainingCurve is { Rounds.Count: > 1 })
        {
            yield return ReportCharts.TrainingCurve;
        }

        if (Trials.Count > 0)
        {
            yield return ReportCharts.Trials;
        }
    }
}

/// <summary>The <c>data-chart</c> names of the report's charts (what a test or a person looks for).</summary>
public static class ReportCharts
{
    /// <summary>ROC curve.</summary>
    public const string Roc = "roc";

    /// <summary>Precision-recall curve.</summary>
    public const string PrecisionRecall = "precision-recall";

    /// <summary>Confusion matrix at the decision threshold.</summary>
    public const string Confusion = "confusion";

    /// <summary>Calibration plot.</summary>
    public const string Calibration = "calibration";

    /// <summary>Predicted against actual.</summary>
    public const string PredictedVsActual = "predicted-vs-actual";

    /// <summary>Residual histogram.</summary>
    public const string Residuals = "residuals";

    /// <summary>Anomaly score histogram.</summary>
    public const string Scores = "scores";

    /// <summary>Precision and NDCG at k against popularity.</summary>
    public const string Ranking = "ranking";

    /// <summary>Feature importance bars.</summary>
    public const string FeatureImportance = "feature-importance";

    /// <summary>Validation metric by round.</summary>
    public const string TrainingCurve = "training-curve";

    /// <summary>Search trials.</summary>
    public const string Trials = "trials";

    /// <summary>Whether a metric is a ranking metric at k (<c>Precision@10</c>, <c>NDCG@10</c>).</summary>
    public static bool IsRankingMetric(string name) =>
        name.StartsWith("Precision@", StringComparison.Ordinal) || name.StartsWith("NDCG@", StringComparison.Ordinal);
}
