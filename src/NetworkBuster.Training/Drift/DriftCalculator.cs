using NetworkBuster.Training.Contracts;
using NetworkBuster.Training.Datasets;
using NetworkBuster.Training.Evaluation;

namespace NetworkBuster.Training.Drift;

/// <summary>
/// New rows against a version's <see cref="DatasetProfile"/>: PSI per feature (numeric values in the training quantile
/// bins, categories by name with an "other" bin, both with a missing bin), the KS statistic for numerics, and the
/// label's shift. Pure.
/// </summary>
public static class DriftCalculator
{
    // A bin empty on one side would make PSI infinite; shares are floored at this (a common choice).
    private const double Floor = 1e-4;

    /// <summary>The drift of <paramref name="current"/> from <paramref name="reference"/>, keeping the <paramref name="keep"/> most drifted features.</summary>
    public static DriftReport Measure(DatasetProfile reference, RowArrays current, int referenceVersion, DriftOptions thresholds, int keep = DriftReport.MaxFeatures)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(thresholds);
        var schema = current.Schema;
        var features = new List<FeatureDrift>();
        foreach (var profile in reference.Features)
        {
            if (profile.Kind == FeatureProfile.Numeric && IndexOf(schema.NumberColumns, profile.Name) is { } n)
            {
                features.Add(Numeric(profile, current.Numbers.Select(r => (double)r[n + 1]), thresholds));
            }
            else if (profile.Kind == FeatureProfile.Categorical && IndexOf(schema.StringColumns, profile.Name) is { } s)
            {
                features.Add(Categorical(profile, current.Strings.Select(r => r[s]), thresholds));
            }
        }

        var ranked = features.OrderByDescending(f => f.Psi).ThenBy(f => f.Feature, StringComparer.Ordinal).ToList();
        double max = ranked.Count == 0 ? 0 : ranked[0].Psi;
        // An unlabeled snapshot's label slot is a placeholder, not a distribution to compare.
        var label = schema.HasLabel ? Numeric(reference.Label, current.Numbers.Select(r => (double)r[0]), thresholds) : null;
        return new DriftReport(referenceVersion, max, thresholds.LevelOf(max), [.. ranked.Take(keep)], label, ranked.Count);
    }

    /// <summary>PSI, KS and means of numeric values against a numeric profile.</summary>
    public static FeatureDrift Numeric(FeatureProfile profile, IEnumerable<double> values, DriftOptions thresholds)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(thresholds);
        var all = values.ToList();
        var present = all.Where(double.IsFinite).Order().ToArray();
        var edges = profile.Edges ?? [];
        var expected = (profile.Counts ?? []).Select(c => (double)c).Append(profile.Missing).ToArray();
        var actual = ProfileBuilder.Count(present, edges).Select(c => (double)c).Append(all.Count - present.Length).ToArray();
        double psi = Psi(expected, actual);
        double? ks = profile.Quantiles is { Count: > 0 } q && present.Length > 0
            ? q.Select((x, i) => Math.Abs(Below(present, x) - ((i + 1) / (double)(q.Count + 1)))).Max()
            : null;
        return new FeatureDrift(profile.Name, FeatureProfile.Numeric, Math.Round(psi, 6), ks is { } k ? Math.Round(k, 6) : null, thresholds.LevelOf(psi), profile.Mean is { } m ? Math.Round(m, 6) : null, present.Length > 0 ? Math.Round(present.Average(), 6) : null);
    }

    /// <summary>PSI of categories against a categorical profile.</summary>
    public static FeatureDrift Categorical(FeatureProfile profile, IEnumerable<string?> values, DriftOptions thresholds)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(thresholds);
        var categories = profile.Categories ?? new Dictionary<string, long>();
        var names = categories.Keys.ToList();
        var actual = new double[names.Count + 2];
        foreach (var v in values)
        {
            int bin = string.IsNullOrEmpty(v) ? names.Count + 1 : names.IndexOf(v) is >= 0 and var i ? i : names.Count;
            actual[bin]++;
        }

        var expected = names.Select(n => (double)categories[n]).Append(profile.Other).Append(profile.Missing).ToArray();
        double psi = Psi(expected, actual);
        return new FeatureDrift(profile.Name, FeatureProfile.Categorical, Math.Round(psi, 6), null, thresholds.LevelOf(psi));
    }

    /// <summary>Σ (actual − expected) · ln(actual / expected) over bin shares, each share floored at 1e-4.</summary>
    public static double Psi(IReadOnlyList<double> expectedCounts, IReadOnlyList<double> actualCounts)
    {
        ArgumentNullException.ThrowIfNull(expectedCounts);
        ArgumentNullException.ThrowIfNull(actualCounts);
        double e = expectedCounts.Sum(), a = actualCounts.Sum();
        if (e == 0 || a == 0)
        {
            return 0;
        }

        double psi = 0;
        for (int i = 0; i < expectedCounts.Count; i++)
        {
            double pe = Math.Max(Floor, expectedCounts[i] / e), pa = Math.Max(Floor, actualCounts[i] / a);
            psi += (pa - pe) * Math.Log(pa / pe);
        }

        return psi;
    }

    // The share of sorted values at or below x.
    private static double Below(double[] sorted, double x)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) / 2;
            if (sorted[mid] <= x)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo / (double)sorted.Length;
    }

    private static int? IndexOf(IReadOnlyList<SnapshotColumn> columns, string name)
    {
        for (int i = 0; i < columns.Count; i++)
        {
            if (columns[i].Name == name)
            {
                return i;
            }
        }

        return null;
    }
}
