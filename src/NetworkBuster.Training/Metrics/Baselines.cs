using NetworkBuster.Training.Contracts;

namespace NetworkBuster.Training.Metrics;

/// <summary>Trivial predictors fitted on the train labels and scored on the test labels: what a model must clearly beat.</summary>
public static class Baselines
{
    /// <summary>Mean (regression, recommendation), majority/prior (classification) or random-score (anomaly) baselines, by metric name with the predictor as suffix.</summary>
    public static Dictionary<string, double> Compute(ModelTask task, IReadOnlyList<float> trainLabels, IReadOnlyList<float> testLabels)
    {
        ArgumentNullException.ThrowIfNull(trainLabels);
        ArgumentNullException.ThrowIfNull(testLabels);
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        if (trainLabels.Count == 0 || testLabels.Count == 0)
        {
            return result;
        }

        switch (task)
        {
            case ModelTask.Binary:
                double prior = Math.Clamp(trainLabels.Average(l => (double)l), 1e-6, 1 - 1e-6);
                float majority = prior >= 0.5 ? 1 : 0;
                result["Accuracy.majority"] = testLabels.Count(l => l == majority) / (double)testLabels.Count;
                result["AUC.constant"] = 0.5;
                result["LogLoss.prior"] = -testLabels.Average(l => l == 1 ? Math.Log2(prior) : Math.Log2(1 - prior));
                break;
            case ModelTask.Anomaly:
                // Scores drawn at random: AUC 0.5 and, at any k, precision the share of known anomalies (none when unlabeled).
                double share = testLabels.Average(l => (double)l);
                if (share > 0)
                {
                    result["AUC.random"] = 0.5;
                    result["PrecisionAtK.random"] = share;
                }

                break;
            case ModelTask.Multiclass:
                var mode = trainLabels.GroupBy(l => l).OrderByDescending(g => g.Count()).First().Key;
                result["MicroAccuracy.majority"] = testLabels.Count(l => l == mode) / (double)testLabels.Count;
                break;
            default:
                double mean = trainLabels.Average(l => (double)l);
                double testMean = testLabels.Average(l => (double)l);
                double sse = testLabels.Sum(l => (l - mean) * (l - mean));
                double sst = testLabels.Sum(l => (l - testMean) * (l - testMean));
                result["RMSE.mean"] = Math.Sqrt(sse / testLabels.Count);
                result["MAE.mean"] = testLabels.Average(l => Math.Abs(l - mean));
                result["R2.mean"] = sst > 0 ? 1 - (sse / sst) : 0;
                break;
        }

        return result.ToDictionary(r => r.Key, r => Math.Round(r.Value, 6));
    }
}
