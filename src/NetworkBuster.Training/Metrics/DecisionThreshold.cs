using System.Globalization;
using Microsoft.ML;
using NetworkBuster.Training.Datasets;

namespace NetworkBuster.Training.Metrics;

/// <summary>How a binary model's decision threshold is chosen on the validation split.</summary>
public enum ThresholdKind
{
    /// <summary>The threshold with the highest F1 (the default).</summary>
    F1,

    /// <summary>The threshold with the highest Youden's J (recall + specificity − 1).</summary>
    Youden,

    /// <summary>A fixed probability.</summary>
    Fixed,

    /// <summary>The highest recall whose precision reaches the target.</summary>
    Precision,

    /// <summary>The highest precision whose recall reaches the target.</summary>
    Recall,
}

/// <summary>A threshold policy: <c>f1</c>, <c>youden</c>, a number in (0, 1), <c>precision&gt;=0.8</c> or <c>recall&gt;=0.8</c>.</summary>
/// <param name="Kind">The rule.</param>
/// <param name="Value">The fixed probability or the target (unused by f1 and youden).</param>
public sealed record ThresholdPolicy(ThresholdKind Kind, double Value = 0)
{
    /// <summary>What the policy accepts, for error messages.</summary>
    public const string Expected = "'f1', 'youden', a probability between 0 and 1, 'precision>=0.8' or 'recall>=0.8'";

    /// <summary>The default: maximum F1.</summary>
    public static ThresholdPolicy Default { get; } = new(ThresholdKind.F1);

    /// <summary>Parses a policy; null when <paramref name="text"/> is not one.</summary>
    public static ThresholdPolicy? TryParse(string? text)
    {
        var t = (text ?? "").Trim().Replace(" ", "", StringComparison.Ordinal).ToLowerInvariant();
        if (t == "f1")
        {
            return Default;
        }

        if (t == "youden")
        {
            return new(ThresholdKind.Youden);
        }

        foreach (var (prefix, kind) in new[] { ("precision>=", ThresholdKind.Precision), ("recall>=", ThresholdKind.Recall) })
        {
            if (t.StartsWith(prefix, StringComparison.Ordinal))
            {
                return Probability(t[prefix.Length..]) is { } target ? new(kind, target) : null;
            }
        }

        return Probability(t) is { } p ? new(ThresholdKind.Fixed, p) : null;
    }

    /// <summary>The policy as a user writes it.</summary>
    public override string ToString() => Kind switch
    {
        ThresholdKind.Fixed => Value.ToString("0.####", CultureInfo.InvariantCulture),
        ThresholdKind.Precision => $"precision>={Value.ToString("0.####", CultureInfo.InvariantCulture)}",
        ThresholdKind.Recall => $"recall>={Value.ToString("0.####", CultureInfo.InvariantCulture)}",
        _ => Kind.ToString().ToLowerInvariant(),
    };

    /// <summary>
    /// The threshold (predict positive when the probability is at least it) this policy picks on scored validation
    /// rows; 0.5 when the rows cannot tell (none, or a single class), except for a fixed policy.
    /// </summary>
    public double Choose(IReadOnlyList<(bool Label, float Probability)> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (Kind == ThresholdKind.Fixed)
        {
            return Value;
        }

        long positives = rows.Count(r => r.Label);
        long negatives = rows.Count - positives;
        if (positives == 0 || negatives == 0)
        {
            return 0.5;
        }

        var ordered = rows.OrderByDescending(r => r.Probability).ToList();
        double best = double.NegativeInfinity, chosen = 0.5, fallback = double.NegativeInfinity, fallbackThreshold = 0.5;
        long tp = 0, fp = 0;
        for (int i = 0; i < ordered.Count; i++)
        {
            if (ordered[i].Label)
            {
                tp++;
            }
            else
            {
                fp++;
            }

            // Cut only between distinct probabilities: every row at this probability is predicted positive.
            if (i + 1 < ordered.Count && ordered[i + 1].Probability == ordered[i].Probability)
            {
                continue;
            }

            double precision = (double)tp / (tp + fp), recall = (double)tp / positives, specificity = 1 - ((double)fp / negatives);
            double score = Kind switch
            {
                ThresholdKind.F1 => tp == 0 ? 0 : 2 * precision * recall / (precision + recall),
                ThresholdKind.Youden => recall + specificity - 1,
                ThresholdKind.Precision => precision >= Value ? recall : double.NegativeInfinity,
                _ => recall >= Value ? precision : double.NegativeInfinity,
            };

            // Strictly better only: on ties the higher threshold (seen first) stays.
            if (score > best)
            {
                (best, chosen) = (score, ordered[i].Probability);
            }

            // A target nobody reaches: the closest one (highest precision, or highest recall).
            double closeness = Kind == ThresholdKind.Precision ? precision : recall;
            if (closeness > fallback)
            {
                (fallback, fallbackThreshold) = (closeness, ordered[i].Probability);
            }
        }

        return double.IsNegativeInfinity(best) ? fallbackThreshold : chosen;
    }

    /// <summary>Accuracy, precision, recall, F1 and the confusion counts at <paramref name="threshold"/>.</summary>
    public static Dictionary<string, double> MetricsAt(IReadOnlyList<(bool Label, float Probability)> rows, double threshold)
    {
        ArgumentNullException.ThrowIfNull(rows);
        long tp = 0, fp = 0, tn = 0, fn = 0;
        foreach (var (label, probability) in rows)
        {
            bool predicted = probability >= threshold;
            (tp, fp, tn, fn) = (label, predicted) switch
            {
                (true, true) => (tp + 1, fp, tn, fn),
                (false, true) => (tp, fp + 1, tn, fn),
                (false, false) => (tp, fp, tn + 1, fn),
                _ => (tp, fp, tn, fn + 1),
            };
        }

        double precision = tp + fp == 0 ? 0 : (double)tp / (tp + fp);
        double recall = tp + fn == 0 ? 0 : (double)tp / (tp + fn);
        return new()
        {
            ["Accuracy"] = rows.Count == 0 ? 0 : (double)(tp + tn) / rows.Count,
            ["Precision"] = precision,
            ["Recall"] = recall,
            ["F1"] = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall),
            ["TruePositives"] = tp,
            ["FalseNegatives"] = fn,
            ["FalsePositives"] = fp,
            ["TrueNegatives"] = tn,
        };
    }

    /// <summary>The (label, probability) of every scored row; null when the model gives no probability.</summary>
    public static List<(bool Label, float Probability)>? Read(IDataView scored)
    {
        ArgumentNullException.ThrowIfNull(scored);
        if (scored.Schema.GetColumnOrNull("Probability") is not { } probability)
        {
            return null;
        }

        var label = scored.Schema[SnapshotSchema.LabelColumn];
        using var cursor = scored.GetRowCursor([label, probability]);
        var getLabel = cursor.GetGetter<bool>(label);
        var getProbability = cursor.GetGetter<float>(probability);
        var rows = new List<(bool, float)>();
        bool l = false;
        float p = 0;
        while (cursor.MoveNext())
        {
            getLabel(ref l);
            getProbability(ref p);
            rows.Add((l, p));
        }

        return rows;
    }

    /// <summary>
    /// Replaces the threshold-dependent metrics (accuracy, precision, recall, F1, confusion) with their values at
    /// <paramref name="threshold"/>, keeps ML.NET's 0.5 values as <c>{name}@0.5</c>, and records the threshold.
    /// </summary>
    public static void ApplyTo(Dictionary<string, double> metrics, IReadOnlyList<(bool Label, float Probability)> rows, double threshold)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        foreach (var (name, value) in MetricsAt(rows, threshold))
        {
            if (metrics.TryGetValue(name, out double atHalf))
            {
                metrics[name + "@0.5"] = atHalf;
            }

            metrics[name] = value;
        }

        metrics["DecisionThreshold"] = threshold;
    }

    private static double? Probability(string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double p) && p > 0 && p < 1 ? p : null;
}
