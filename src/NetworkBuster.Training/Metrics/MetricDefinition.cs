using NetworkBuster.Training.Contracts;
namespace NetworkBuster.Training.Metrics;

/// <summary>A metric's name and which way is better.</summary>
/// <param name="Name">The name as stored in <c>Metrics</c> and <c>PrimaryMetric</c>.</param>
/// <param name="HigherIsBetter">Whether a larger value is better.</param>
public sealed record MetricDefinition(string Name, bool HigherIsBetter)
{
    /// <summary>Whether <paramref name="candidate"/> beats <paramref name="baseline"/> by more than <paramref name="margin"/>.</summary>
    public bool IsBetter(double candidate, double baseline, double margin = 0) =>
        HigherIsBetter ? candidate > baseline + margin : candidate < baseline - margin;
}

/// <summary>The metrics the pipeline records.</summary>
public static class MetricCatalog
{
    /// <summary>Root mean squared error (regression).</summary>
    public static readonly MetricDefinition Rmse = new("RMSE", HigherIsBetter: false);

    /// <summary>Mean absolute error (regression).</summary>
    public static readonly MetricDefinition Mae = new("MAE", HigherIsBetter: false);

    /// <summary>Coefficient of determination (regression).</summary>
    public static readonly MetricDefinition RSquared = new("R2", HigherIsBetter: true);

    /// <summary>Area under the ROC curve (binary).</summary>
    public static readonly MetricDefinition Auc = new("AUC", HigherIsBetter: true);

    /// <summary>Accuracy (classification).</summary>
    public static readonly MetricDefinition Accuracy = new("Accuracy", HigherIsBetter: true);

    /// <summary>Mean absolute percentage error, in percent (regression; rows with a zero label skipped).</summary>
    public static readonly MetricDefinition Mape = new("MAPE", HigherIsBetter: false);

    /// <summary>Precision among the k highest anomaly scores, k the known anomalies in the test split (anomaly).</summary>
    public static readonly MetricDefinition PrecisionAtK = new("PrecisionAtK", HigherIsBetter: true);

    /// <summary>The share of known anomalies at or above the decision threshold (anomaly).</summary>
    public static readonly MetricDefinition DetectionRate = new("DetectionRate", HigherIsBetter: true);

    /// <summary>
    /// The share of test rows at or above the decision threshold: what an unlabeled anomaly model reports. Informational,
    /// never chosen (a job cannot pick it) and never compared: higher is not better.
    /// </summary>
    public static readonly MetricDefinition AnomalyRate = new("AnomalyRate", HigherIsBetter: false);

    /// <summary>The metrics a job may pick as primary (<c>spec.metric</c>) for a task, with their direction; the first is the task's default.</summary>
    public static IReadOnlyList<MetricDefinition> ForTask(ModelTask task) => task switch
    {
        ModelTask.Binary => [Auc, new("AUCPR", true), Accuracy, new("Precision", true), new("Recall", true), new("F1", true), new("LogLoss", false)],
        ModelTask.Multiclass => [new("MacroAccuracy", true), new("MicroAccuracy", true), new("LogLoss", false)],
        ModelTask.Recommendation => [Rmse, Mae, RSquared],
        ModelTask.Anomaly => [Auc, PrecisionAtK, DetectionRate],
        _ => [Rmse, Mae, Mape, RSquared, new("MSE", false)],
    };

    /// <summary>The task's metric named <paramref name="name"/> (any case), or null when the task has none of that name.</summary>
    public static MetricDefinition? Find(ModelTask task, string? name) =>
        ForTask(task).FirstOrDefault(m => string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase));
}
