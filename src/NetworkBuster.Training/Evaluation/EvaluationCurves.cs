namespace NetworkBuster.Training.Evaluation;

/// <summary>A point of a curve or a scatter plot.</summary>
/// <param name="X">Horizontal value.</param>
/// <param name="Y">Vertical value.</param>
public sealed record CurvePoint(double X, double Y);

/// <summary>The confusion matrix of a binary model at its decision threshold.</summary>
/// <param name="Threshold">The probability at or above which it predicts positive.</param>
/// <param name="TruePositives">Positives predicted positive.</param>
/// <param name="FalsePositives">Negatives predicted positive.</param>
/// <param name="TrueNegatives">Negatives predicted negative.</param>
/// <param name="FalseNegatives">Positives predicted negative.</param>
public sealed record ConfusionCounts(double Threshold, long TruePositives, long FalsePositives, long TrueNegatives, long FalseNegatives);

/// <summary>A calibration bin: rows whose predicted probability falls in [From, To).</summary>
/// <param name="From">Lower probability edge.</param>
/// <param name="To">Upper probability edge.</param>
/// <param name="Predicted">The mean predicted probability of its rows.</param>
/// <param name="Observed">The share of positives among its rows.</param>
/// <param name="Count">Its rows.</param>
public sealed record CalibrationBin(double From, double To, double Predicted, double Observed, long Count);

/// <summary>A histogram bin: values in [From, To).</summary>
/// <param name="From">Lower edge.</param>
/// <param name="To">Upper edge.</param>
/// <param name="Count">Values in it.</param>
public sealed record HistogramBin(double From, double To, long Count);

/// <summary>
/// What a report draws from the test split, compact (a few KB): for binary models ROC and precision-recall curves,
/// the confusion matrix and calibration; for regression (and rating) models predicted against actual and residuals.
/// </summary>
public sealed record EvaluationCurves
{
    /// <summary>ROC: false positive rate (X) against true positive rate (Y).</summary>
    public IReadOnlyList<CurvePoint>? Roc { get; init; }

    /// <summary>Precision-recall: recall (X) against precision (Y).</summary>
    public IReadOnlyList<CurvePoint>? PrecisionRecall { get; init; }

    /// <summary>The confusion matrix at the decision threshold.</summary>
    public ConfusionCounts? Confusion { get; init; }

    /// <summary>Ten equal-width probability bins.</summary>
    public IReadOnlyList<CalibrationBin>? Calibration { get; init; }

    /// <summary>An even sample of test rows: actual (X) against predicted (Y).</summary>
    public IReadOnlyList<CurvePoint>? PredictedVsActual { get; init; }

    /// <summary>Residuals (actual − predicted) of every test row.</summary>
    public IReadOnlyList<HistogramBin>? Residuals { get; init; }

    /// <summary>Anomaly scores of every test row (anomaly models).</summary>
    public IReadOnlyList<HistogramBin>? Scores { get; init; }
}
