using System.Globalization;
using NetworkBuster.Training.Contracts;
using NetworkBuster.Training.Metrics;

namespace NetworkBuster.Training.Evaluation;

/// <summary>Gate settings (configuration section <c>Training:Gate</c>).</summary>
public sealed class GateOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Training:Gate";

    /// <summary>How much better than the current version a candidate must be on the primary metric.</summary>
    public double Margin { get; set; }

    /// <summary>Floors for classifiers, by metric name.</summary>
    public Dictionary<string, double> ClassifierMinimums { get; set; } = new()
    {
        ["AUC"] = 0.75,
        ["Accuracy"] = 0.75,
        ["Precision"] = 0.70,
        ["Recall"] = 0.65,
        ["F1"] = 0.70,
    };

    /// <summary>Floors for regressors (and recommenders), by metric name: R² ≥ 0 is "better than predicting the mean".</summary>
    public Dictionary<string, double> RegressorMinimums { get; set; } = new() { ["R2"] = 0.0 };

    /// <summary>Floors for anomaly models with known anomalies, by metric name (an unlabeled one has nothing to hold to a floor).</summary>
    public Dictionary<string, double> AnomalyMinimums { get; set; } = new() { ["AUC"] = 0.75 };

    /// <summary>Per-model overrides (<c>Training:Gate:Models:{model}:Margin</c>, <c>…:Minimums:{metric}</c>).</summary>
    public Dictionary<string, ModelGateOptions> Models { get; set; } = [];

    /// <summary>The margin and floors that apply to one model.</summary>
    public (double Margin, IReadOnlyDictionary<string, double> Minimums) For(string model, ModelTask task)
    {
        var floors = task is ModelTask.Binary or ModelTask.Multiclass ? ClassifierMinimums : task == ModelTask.Anomaly ? AnomalyMinimums : RegressorMinimums;
        if (!Models.TryGetValue(model, out var custom))
        {
            return (Margin, floors);
        }

        var merged = new Dictionary<string, double>(custom.Replace ? [] : floors);
        foreach (var (metric, floor) in custom.Minimums)
        {
            merged[metric] = floor;
        }

        return (custom.Margin ?? Margin, merged);
    }

    /// <summary>Every problem with the values, each naming the setting, the value found and the allowed range.</summary>
    public IEnumerable<string> Validate()
    {
        if (Margin is < 0 or >= 1 || double.IsNaN(Margin))
        {
            yield return $"{Section}:Margin must be at least 0 and below 1, found {Margin}.";
        }

        foreach (var (group, floors) in new[] { ("ClassifierMinimums", ClassifierMinimums), ("RegressorMinimums", RegressorMinimums), ("AnomalyMinimums", AnomalyMinimums) }
            .Concat(Models.Select(m => ($"Models:{m.Key}:Minimums", m.Value.Minimums ?? []))))
        {
            foreach (var (metric, floor) in floors.Where(f => !double.IsFinite(f.Value)))
            {
                yield return $"{Section}:{group}:{metric} must be a finite number, found {floor}.";
            }
        }

        foreach (var (model, custom) in Models.Where(m => m.Value.Margin is < 0 or >= 1))
        {
            yield return $"{Section}:Models:{model}:Margin must be at least 0 and below 1, found {custom.Margin}.";
        }
    }
}

/// <summary>One model's gate overrides.</summary>
public sealed class ModelGateOptions
{
    /// <summary>The model's margin, when it differs from the default.</summary>
    public double? Margin { get; set; }

    /// <summary>Floors added to (or replacing, with <see cref="Replace"/>) the task's defaults.</summary>
    public Dictionary<string, double> Minimums { get; set; } = [];

    /// <summary>Whether <see cref="Minimums"/> replaces the task's defaults instead of adding to them.</summary>
    public bool Replace { get; set; }
}

/// <summary>The gate's verdict.</summary>
/// <param name="Promote">Whether the candidate becomes current.</param>
/// <param name="Reason">Why, for the run and registry rows.</param>
public sealed record GateDecision(bool Promote, string Reason);

/// <summary>
/// Decides whether a candidate becomes current: every floor must hold, then it must beat the current version's
/// primary metric, scored on the same test rows, by the margin. The first version needs only the floors.
/// </summary>
internal static class PromotionGate
{
    /// <summary>Decides.</summary>
    /// <param name="policy">The job's promotion policy.</param>
    /// <param name="primary">The primary metric.</param>
    /// <param name="candidate">The candidate's metrics on the test split.</param>
    /// <param name="baseline">The current version's primary metric on the same split, if there is a current version.</param>
    /// <param name="margin">How much better than the baseline the candidate must be.</param>
    /// <param name="minimums">Floors by metric name; a metric the task does not produce is not checked.</param>
    public static GateDecision Decide(PromotionPolicy policy, MetricDefinition primary, IReadOnlyDictionary<string, double> candidate, double? baseline, double margin, IReadOnlyDictionary<string, double> minimums)
    {
        ArgumentNullException.ThrowIfNull(primary);
        ArgumentNullException.ThrowIfNull(candidate);
        ArgumentNullException.ThrowIfNull(minimums);
        if (policy == PromotionPolicy.Always)
        {
            return new(true, "promotion=always");
        }

        if (policy == PromotionPolicy.Never)
        {
            return new(false, "promotion=never");
        }

        var failed = minimums
            .Where(m => candidate.TryGetValue(m.Key, out double v) && v < m.Value)
            .Select(m => $"{m.Key} {F(candidate[m.Key])} < {F(m.Value)}")
            .ToList();
        if (failed.Count > 0)
        {
            return new(false, "below threshold: " + string.Join(", ", failed));
        }

        double value = candidate[primary.Name];
        if (baseline is not { } b)
        {
            return new(true, $"first version: {primary.Name} {F(value)} meets the thresholds");
        }

        return primary.IsBetter(value, b, margin)
            ? new(true, $"{primary.Name} {F(value)} beats the current {F(b)}{(margin > 0 ? $" by more than {F(margin)}" : "")}")
            : new(false, $"{primary.Name} {F(value)} does not beat the current {F(b)}{(margin > 0 ? $" by more than {F(margin)}" : "")}");
    }

    /// <summary>
    /// Decides for an anomaly model trained and tested without known anomalies: there is no held-out figure a better
    /// model would raise, so it is promoted (unless the job said never) and the reason says why.
    /// </summary>
    /// <param name="policy">The job's promotion policy.</param>
    public static GateDecision DecideUnlabeled(PromotionPolicy policy) => policy switch
    {
        PromotionPolicy.Never => new(false, "promotion=never"),
        PromotionPolicy.Always => new(true, "promotion=always"),
        _ => new(true, UnlabeledReason),
    };

    /// <summary>The reason recorded when an unlabeled anomaly model is promoted by the gate.</summary>
    public const string UnlabeledReason = "no labelled anomalies: promoted without a held-out comparison";

    private static string F(double value) => value.ToString("0.####", CultureInfo.InvariantCulture);
}
