using Microsoft.ML;
using NetworkBuster.Training.Contracts;
using NetworkBuster.Training.Datasets;

namespace NetworkBuster.Training.Metrics;

/// <summary>Computes every metric of a task from scored rows.</summary>
public static class MetricsCalculator
{
    /// <summary>The metric the gate compares for a task when the model is not a preset.</summary>
    public static MetricDefinition DefaultPrimary(ModelTask task) => MetricCatalog.ForTask(task)[0];

    /// <summary>All metrics of the scored view, by name.</summary>
    public static Dictionary<string, double> Compute(MLContext ml, ModelTask task, IDataView scored)
    {
        ArgumentNullException.ThrowIfNull(ml);
        ArgumentNullException.ThrowIfNull(scored);
        const string label = SnapshotSchema.LabelColumn;
        switch (task)
        {
            case ModelTask.Binary:
                var binary = scored.Schema.GetColumnOrNull("Probability") is null
                    ? ml.BinaryClassification.EvaluateNonCalibrated(scored, label)
                    : ml.BinaryClassification.Evaluate(scored, label);
                var metrics = new Dictionary<string, double>
                {
                    ["AUC"] = binary.AreaUnderRocCurve,
                    ["AUCPR"] = binary.AreaUnderPrecisionRecallCurve,
                    ["Accuracy"] = binary.Accuracy,
                    ["Precision"] = binary.PositivePrecision,
                    ["Recall"] = binary.PositiveRecall,
                    ["F1"] = binary.F1Score,
                    ["TruePositives"] = binary.ConfusionMatrix.Counts[0][0],
                    ["FalseNegatives"] = binary.ConfusionMatrix.Counts[0][1],
                    ["FalsePositives"] = binary.ConfusionMatrix.Counts[1][0],
                    ["TrueNegatives"] = binary.ConfusionMatrix.Counts[1][1],
                };
                if (binary is Microsoft.ML.Data.CalibratedBinaryClassificationMetrics calibrated)
                {
                    metrics["LogLoss"] = calibrated.LogLoss;
                }

                return Finite(metrics);
            case ModelTask.Anomaly:
                return AnomalyMetrics.Compute(AnomalyMetrics.Read(scored));
            case ModelTask.Multiclass:
                var multi = ml.MulticlassClassification.Evaluate(scored, label);
                return Finite(new()
                {
                    ["MicroAccuracy"] = multi.MicroAccuracy,
                    ["MacroAccuracy"] = multi.MacroAccuracy,
                    ["LogLoss"] = multi.LogLoss,
                });
            default:
                var regression = ml.Regression.Evaluate(scored, label);
                var (mape, zeroLabels) = MeanAbsolutePercentageError(scored, label);
                return Finite(new()
                {
                    ["RMSE"] = regression.RootMeanSquaredError,
                    ["MAE"] = regression.MeanAbsoluteError,
                    ["R2"] = regression.RSquared,
                    ["MSE"] = regression.MeanSquaredError,
                    ["MAPE"] = mape,
                    ["MAPEZeroLabelsSkipped"] = zeroLabels,
                });
        }
    }

    /// <summary>
    /// Mean of |label − score| / |label| over the rows, in percent (the mean relative error papers on performance
    /// prediction report); rows whose label is zero have no relative error and are skipped, and counted.
    /// </summary>
    public static (double Mape, long ZeroLabelsSkipped) MeanAbsolutePercentageError(IDataView scored, string label = SnapshotSchema.LabelColumn)
    {
        ArgumentNullException.ThrowIfNull(scored);
        var labelColumn = scored.Schema[label];
        var scoreColumn = scored.Schema["Score"];
        double sum = 0;
        long counted = 0, zero = 0;
        using var cursor = scored.GetRowCursor([labelColumn, scoreColumn]);
        var getLabel = cursor.GetGetter<float>(labelColumn);
        var getScore = cursor.GetGetter<float>(scoreColumn);
        float y = 0, p = 0;
        while (cursor.MoveNext())
        {
            getLabel(ref y);
            getScore(ref p);
            if (y == 0)
            {
                zero++;
                continue;
            }

            if (!float.IsFinite(y) || !float.IsFinite(p))
            {
                continue;
            }

            sum += Math.Abs((y - p) / (double)y);
            counted++;
        }

        return (counted == 0 ? double.NaN : 100 * sum / counted, zero);
    }

    // JSON and Table storage cannot hold NaN or infinity; a metric that is undefined (e.g. precision with no positive predictions) is left out.
    private static Dictionary<string, double> Finite(Dictionary<string, double> metrics) =>
        metrics.Where(m => double.IsFinite(m.Value)).ToDictionary(m => m.Key, m => Math.Round(m.Value, 6));
}
