using Microsoft.ML;
using NetworkBuster.Training.Datasets;
using NetworkBuster.Training.Metrics;

namespace NetworkBuster.Training.Evaluation;

/// <summary>
/// Permutation feature importance per snapshot column (not per one-hot slot): each column is shuffled across the sampled
/// test rows (seeded, <see cref="Repeats"/> times) and the primary metric's mean degradation recorded.
/// </summary>
internal static class PermutationImportance
{
    /// <summary>Shuffles per column (one on data wider than <see cref="MaxFeatures"/>).</summary>
    public const int Repeats = 2;

    /// <summary>At most this many features are permuted (see <see cref="Screened"/>).</summary>
    public const int MaxFeatures = 100;

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

        // On wide data every scoring binds the model to thousands of columns (about a second each at 20,000): one
        // shuffle per screened column there, which halves the evaluate step of a wide job.
        int repeats = rows.Schema.Features.Count > MaxFeatures ? 1 : Repeats;
        foreach (var column in Screened(rows))
        {
            var (isNumber, index) = rows.Locate(column.Name);
            double total = 0;
            for (int repeat = 0; repeat < repeats; repeat++)
            {
                var order = Enumerable.Range(0, rows.Numbers.Length).ToArray();
                random.Shuffle(order);
                var shuffled = rows.With(column.Name, i => isNumber ? rows.Numbers[order[i]][index] : 0, i => isNumber ? "" : rows.Strings[order[i]][index]);
                double value = Score(shuffled);
                total += double.IsFinite(value) ? (metric.HigherIsBetter ? baseline - value : value - baseline) : 0;
            }

            result.Add(new FeatureImportance(column.Name, Math.Round(total / repeats, 6)));
        }

        return [.. result.OrderByDescending(f => f.Importance).ThenBy(f => f.Feature, StringComparer.Ordinal)];
    }

    /// <summary>
    /// The features to permute: all of them up to <see cref="MaxFeatures"/>; beyond that (wide data, where permuting
    /// every one of thousands of columns would cost thousands of scorings) categorical features and the numeric
    /// features most correlated with the label (|Pearson r| on the sampled rows), <see cref="MaxFeatures"/> in all.
    /// </summary>
    internal static IEnumerable<SnapshotColumn> Screened(RowArrays rows)
    {
        var features = rows.Schema.Features;
        if (features.Count <= MaxFeatures)
        {
            return features;
        }

        var numberIndex = rows.Schema.NumberColumns.Select((c, i) => (c.Name, Index: i + 1)).ToDictionary(c => c.Name, c => c.Index);
        double Strength(SnapshotColumn column) => numberIndex.TryGetValue(column.Name, out int index) ? Math.Abs(Correlation(rows.Numbers, index)) : double.PositiveInfinity;
        return features.Select(f => (Feature: f, Strength: Strength(f))).OrderByDescending(f => double.IsNaN(f.Strength) ? -1 : f.Strength).Take(MaxFeatures).Select(f => f.Feature);
    }

    private static double Correlation(float[][] numbers, int index)
    {
        double n = numbers.Length, sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
        foreach (var row in numbers)
        {
            double x = row[index], y = row[0];
            sx += x;
            sy += y;
            sxx += x * x;
            syy += y * y;
            sxy += x * y;
        }

        double cov = sxy - (sx * sy / n), vx = sxx - (sx * sx / n), vy = syy - (sy * sy / n);
        return vx <= 0 || vy <= 0 ? 0 : cov / Math.Sqrt(vx * vy);
    }
}
