using System.Globalization;
using NetworkBuster.Training.Jobs;

namespace NetworkBuster.Training.Evaluation;

/// <summary>Gate settings (configuration section <c>Training:Gate</c>).</summary>
public sealed class GateOptions
{
    /// <summary>How much better than the current version a candidate must be on the primary metric.</summary>
    public double Margin { get; set; }

    /// <summary>Floors every candidate must meet, by metric name (e.g. R2 ≥ 0 means better than predicting the mean).</summary>
    public Dictionary<string, double> Minimums { get; set; } = new() { ["R2"] = 0.0, ["AUC"] = 0.6 };
}

/// <summary>The gate's verdict.</summary>
/// <param name="Promote">Whether the candidate becomes current.</param>
/// <param name="Reason">Why, for the run and registry rows.</param>
public sealed record GateDecision(bool Promote, string Reason);

/// <summary>Decides whether a candidate becomes current: thresholds first, then the comparison with the current version.</summary>
public static class PromotionGate
{
    /// <summary>Decides.</summary>
    /// <param name="policy">The job's promotion policy.</param>
    /// <param name="primary">The primary metric.</param>
    /// <param name="candidate">The candidate's metrics on the test split.</param>
    /// <param name="baseline">The current version's primary metric on the same split, if there is a current version.</param>
    /// <param name="options">Margin and floors.</param>
    public static GateDecision Decide(PromotionPolicy policy, MetricDefinition primary, IReadOnlyDictionary<string, double> candidate, double? baseline, GateOptions options)
    {
        ArgumentNullException.ThrowIfNull(primary);
        ArgumentNullException.ThrowIfNull(candidate);
        ArgumentNullException.ThrowIfNull(options);
        if (policy == PromotionPolicy.Always)
        {
            return new(true, "promotion=always");
        }

        if (policy == PromotionPolicy.Never)
        {
            return new(false, "promotion=never");
        }

        var failed = options.Minimums
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

        return primary.IsBetter(value, b, options.Margin)
            ? new(true, $"{primary.Name} {F(value)} beats the current {F(b)}")
            : new(false, $"{primary.Name} {F(value)} does not beat the current {F(b)}{(options.Margin > 0 ? $" by {F(options.Margin)}" : "")}");
    }

    private static string F(double value) => value.ToString("0.####", CultureInfo.InvariantCulture);
}
