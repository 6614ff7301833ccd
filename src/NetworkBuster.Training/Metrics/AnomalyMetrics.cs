using Microsoft.ML;
using NetworkBuster.Training.Datasets;

namespace NetworkBuster.Training.Metrics;

/// <summary>
/// The metrics of an anomaly model from its scored rows (higher score = more anomalous). Threshold-free ones always:
/// the mean score and, when the rows include known anomalies, AUC and precision at k (k = the known anomalies, named
/// as <c>TopK</c>). At a threshold: the share of rows flagged (<c>AnomalyRate</c>) and, with known anomalies, the
/// detection rate (recall), precision, F1, false positive rate and the confusion counts.
/// </summary>
public static class AnomalyMetrics
{
    /// <summary>The (known anomaly, score) of every scored row (an unlabeled snapshot's label slot is always false).</summary>
    public static List<(bool Label, float Score)> Read(IDataView scored)
    {
        ArgumentNullException.ThrowIfNull(scored);
        var label = scored.Schema[SnapshotSchema.LabelColumn];
        var score = scored.Schema["Score"];
        using var cursor = scored.GetRowCursor([label, score]);
        var getLabel = cursor.GetGetter<bool>(label);
        var getScore = cursor.GetGetter<float>(score);
        var rows = new List<(bool, float)>();
        bool l = false;
        float s = 0;
        while (cursor.MoveNext())
        {
            getLabel(ref l);
            getScore(ref s);

            // A row at the training mean has no direction to measure (0/0): it is as normal as a row can be.
            rows.Add((l, float.IsFinite(s) ? s : 0));
        }

        return rows;
    }

    /// <summary>The threshold-free metrics: <c>MeanScore</c>, and <c>AUC</c>, <c>PrecisionAtK</c>, <c>TopK</c>, <c>KnownAnomalies</c> when some rows are known anomalies.</summary>
    public static Dictionary<string, double> Compute(IReadOnlyList<(bool Label, float Score)> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
        if (rows.Count == 0)
        {
            return metrics;
        }

        metrics["MeanScore"] = rows.Average(r => (double)r.Score);
        int known = rows.Count(r => r.Label);
        if (known > 0)
        {
            metrics["KnownAnomalies"] = known;
            metrics["TopK"] = known;
            metrics["PrecisionAtK"] = rows.OrderByDescending(r => r.Score).Take(known).Count(r => r.Label) / (double)known;
            if (known < rows.Count)
            {
                metrics["AUC"] = Auc(rows, known);
            }
        }

        return Rounded(metrics);
    }

    /// <summary>The metrics at <paramref name="threshold"/> (flagged when the score is at least it).</summary>
    public static Dictionary<string, double> At(IReadOnlyList<(bool Label, float Score)> rows, double threshold)
    {
        ArgumentNullException.ThrowIfNull(rows);
        long tp = 0, fp = 0, tn = 0, fn = 0;
        foreach (var (label, score) in rows)
        {
            bool flagged = score >= threshold;
            (tp, fp, tn, fn) = (label, flagged) switch
            {
                (true, true) => (tp + 1, fp, tn, fn),
                (false, true) => (tp, fp + 1, tn, fn),
                (false, false) => (tp, fp, tn + 1, fn),
                _ => (tp, fp, tn, fn + 1),
            };
        }

        var metrics = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["DecisionThreshold"] = threshold,
            ["AnomalyRate"] = rows.Count == 0 ? 0 : (tp + fp) / (double)rows.Count,
        };
        if (tp + fn > 0)
        {
            double precision = tp + fp == 0 ? 0 : tp / (double)(tp + fp), recall = tp / (double)(tp + fn);
            metrics["DetectionRate"] = recall;
            metrics["Precision"] = precision;
            metrics["F1"] = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            metrics["FalsePositiveRate"] = fp + tn == 0 ? 0 : fp / (double)(fp + tn);
            metrics["TruePositives"] = tp;
            metrics["FalseNegatives"] = fn;
            metrics["FalsePositives"] = fp;
            metrics["TrueNegatives"] = tn;
        }

        return Rounded(metrics);
    }

    /// <summary>
    /// The threshold that flags about <paramref name="contamination"/> of <paramref name="scores"/>: their
    /// (1 − contamination) quantile (nearest rank).
    /// </summary>
    public static double ContaminationThreshold(IReadOnlyList<float> scores, double contamination)
    {
        ArgumentNullException.ThrowIfNull(scores);
        if (scores.Count == 0)
        {
            return 1;
        }

        var sorted = scores.Order().ToArray();
        int flagged = Math.Max(1, (int)Math.Round(contamination * sorted.Length));
        return sorted[sorted.Length - flagged];
    }

    // The Mann-Whitney statistic: the chance a known anomaly outscores a normal row, ties counting half.
    private static double Auc(IReadOnlyList<(bool Label, float Score)> rows, int known)
    {
        var ordered = rows.OrderBy(r => r.Score).ToArray();
        double rankSum = 0;
        for (int i = 0; i < ordered.Length;)
        {
            int j = i;
            while (j + 1 < ordered.Length && ordered[j + 1].Score == ordered[i].Score)
            {
                j++;
            }

            double rank = ((i + j) / 2.0) + 1;
            for (int k = i; k <= j; k++)
            {
                rankSum += ordered[k].Label ? rank : 0;
            }

            i = j + 1;
        }

        long normal = ordered.Length - known;
        return (rankSum - (known * (known + 1) / 2.0)) / (known * (double)normal);
    }

    private static Dictionary<string, double> Rounded(Dictionary<string, double> metrics) =>
        metrics.Where(m => double.IsFinite(m.Value)).ToDictionary(m => m.Key, m => Math.Round(m.Value, 6), StringComparer.Ordinal);
}
