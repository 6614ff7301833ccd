using Microsoft.ML;
using NetworkBuster.Training.Metrics;

namespace NetworkBuster.Training.Evaluation;

/// <summary>
/// Permutation feature importance per snapshot column (not per one-hot slot): each column is shuffled across the sampled
/// test rows (seeded, <see cref="Repeats"/> times) and the primary metric's mean degradation recorded.
/// </summary>
internal static class PermutationImportance
{
    /// <summary>Shuffles per column.</summary>
    public const int Repeats = 2;

    /// <summary>Computes importance, most important first.</summary>
    public static IReadOnlyList<FeatureImportance> Compute(MLContext ml, ITransformer model, RowArrays rows, MetricDefinition metric, int seed)
    {
        ArgumentNullException.ThrowIfNull(ml);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(metric);
        double Score(RowArrays r) => MetricsCalculator.Compute(ml, r.Schema.Task, model.Transform(r.ToDataView())).TryGetValue(metric.Name, out double v) ? v : double.NaN;
        double baseline = Score(rows);
        var result = new List<FeatureImportance>();
        if (!double.IsFinite(baseline))
        {
            return result;
        }

        var random = new Random(seed);
        foreach (var column in rows.Schema.Features)
        {
            var (isNumber, index) = rows.Locate(column.Name);
            double total = 0;
            for (int repeat = 0; repeat < Repeats; repeat++)
            {
                var order = Enumerable.Range(0, rows.Numbers.Length).ToArray();
                random.Shuffle(order);
                var shuffled = rows.With(column.Name, i => isNumber ? rows.Numbers[order[i]][index] : 0, i => isNumber ? "" : rows.Strings[order[i]][index]);
                double value = Score(shuffled);
                total += double.IsFinite(value) ? (metric.HigherIsBetter ? baseline - value : value - baseline) : 0;
            }

            result.Add(new FeatureImportance(column.Name, Math.Round(total / Repeats, 6)));
        }

        return [.. result.OrderByDescending(f => f.Importance).ThenBy(f => f.Feature, StringComparer.Ordinal)];
    }
}
