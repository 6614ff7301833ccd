using NetworkBuster.Training.Datasets;
using NetworkBuster.Training.Evaluation;

namespace NetworkBuster.Training.Drift;

/// <summary>Builds a <see cref="DatasetProfile"/> from snapshot rows. Pure.</summary>
public static class ProfileBuilder
{
    /// <summary>Quantile bins for PSI.</summary>
    public const int Bins = 10;

    /// <summary>Percentiles kept for KS (every 2%).</summary>
    public const int Percentiles = 49;

    /// <summary>Categories kept by count; the rest are "other".</summary>
    public const int TopCategories = 20;

    /// <summary>
    /// Features profiled at most (numbers first, then categories, in schema order): a dataset of 20,000 columns would
    /// otherwise keep a profile of megabytes beside every version.
    /// </summary>
    public const int MaxFeatures = 2000;

    /// <summary>The profile of the rows.</summary>
    public static DatasetProfile Build(RowArrays rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var schema = rows.Schema;
        var features = new List<FeatureProfile>();
        for (int k = 0; k < Math.Min(schema.NumberColumns.Count, MaxFeatures); k++)
        {
            int index = k + 1;
            features.Add(Numeric(schema.NumberColumns[k].Name, rows.Numbers.Select(r => (double)r[index])));
        }

        for (int k = 0; k < schema.StringColumns.Count; k++)
        {
            if (schema.StringColumns[k].Kind == SnapshotColumnKind.Category)
            {
                int index = k;
                features.Add(Categorical(schema.StringColumns[k].Name, rows.Strings.Select(r => r[index])));
            }
        }

        return new DatasetProfile(rows.Numbers.Length, Numeric(SnapshotSchema.LabelColumn, rows.Numbers.Select(r => (double)r[0])), [.. features.Take(MaxFeatures)]);
    }

    /// <summary>A numeric column's profile; NaN is missing.</summary>
    public static FeatureProfile Numeric(string name, IEnumerable<double> values)
    {
        var all = values.ToList();
        var present = all.Where(double.IsFinite).Order().ToArray();
        var profile = new FeatureProfile(name, FeatureProfile.Numeric, all.Count, all.Count - present.Length);
        if (present.Length == 0)
        {
            return profile with { Edges = [], Counts = [0], Quantiles = [] };
        }

        var edges = Enumerable.Range(1, Bins - 1).Select(b => Quantile(present, b / (double)Bins)).Distinct().ToArray();
        double mean = present.Average();
        return profile with
        {
            Edges = edges,
            Counts = Count(present, edges),
            Quantiles = [.. Enumerable.Range(1, Percentiles).Select(p => Quantile(present, p / (double)(Percentiles + 1)))],
            Mean = mean,
            Sd = Math.Sqrt(present.Sum(v => (v - mean) * (v - mean)) / present.Length),
        };
    }

    /// <summary>A categorical column's profile; empty is missing.</summary>
    public static FeatureProfile Categorical(string name, IEnumerable<string?> values)
    {
        var all = values.ToList();
        var counts = all.Where(v => !string.IsNullOrEmpty(v)).GroupBy(v => v!, StringComparer.Ordinal).Select(g => (g.Key, Count: (long)g.Count()))
            .OrderByDescending(c => c.Count).ThenBy(c => c.Key, StringComparer.Ordinal).ToList();
        var top = counts.Take(TopCategories).ToDictionary(c => c.Key, c => c.Count, StringComparer.Ordinal);
        long present = counts.Sum(c => c.Count);
        return new FeatureProfile(name, FeatureProfile.Categorical, all.Count, all.Count - present) { Categories = top, Other = present - top.Values.Sum() };
    }

    /// <summary>Rows per bin of sorted or unsorted values over the edges (bin k: above Edges[k-1], at most Edges[k]).</summary>
    public static long[] Count(IEnumerable<double> values, IReadOnlyList<double> edges)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(edges);
        var counts = new long[edges.Count + 1];
        foreach (double v in values)
        {
            counts[Bin(v, edges)]++;
        }

        return counts;
    }

    /// <summary>The bin of a value: the number of edges below it.</summary>
    public static int Bin(double value, IReadOnlyList<double> edges)
    {
        ArgumentNullException.ThrowIfNull(edges);
        int lo = 0, hi = edges.Count;
        while (lo < hi)
        {
            int mid = (lo + hi) / 2;
            if (value > edges[mid])
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    // Linear interpolation between order statistics (type 7, as numpy and R default).
    private static double Quantile(double[] sorted, double p)
    {
        double h = (sorted.Length - 1) * p;
        int i = (int)Math.Floor(h);
        return i + 1 < sorted.Length ? sorted[i] + ((h - i) * (sorted[i + 1] - sorted[i])) : sorted[^1];
    }
}
