using System.Text.Json;

namespace NetworkBuster.Training.Contracts;

/// <summary>How far one feature (or the label) of a new dataset moved from the current version's training data.</summary>
/// <param name="Feature">The snapshot column.</param>
/// <param name="Kind"><c>numeric</c> or <c>categorical</c>.</param>
/// <param name="Psi">Population stability index over the training quantile bins (or categories, with "other" and missing bins).</param>
/// <param name="Ks">Kolmogorov–Smirnov statistic against the training quantiles (numeric only).</param>
/// <param name="Level"><c>none</c>, <c>moderate</c> or <c>major</c>, by the PSI thresholds.</param>
/// <param name="TrainingMean">The numeric mean in the training data.</param>
/// <param name="NewMean">The numeric mean in the new data.</param>
public sealed record FeatureDrift(string Feature, string Kind, double Psi, double? Ks, string Level, double? TrainingMean = null, double? NewMean = null);

/// <summary>A new dataset against the current version's <c>profile.json</c>: the most drifted features and the label's shift.</summary>
/// <param name="ReferenceVersion">The version whose profile was the reference.</param>
/// <param name="MaxPsi">The largest feature PSI.</param>
/// <param name="Level">The level of <paramref name="MaxPsi"/>.</param>
/// <param name="Features">The most drifted features, largest PSI first (at most <see cref="MaxFeatures"/>).</param>
/// <param name="Label">The label's shift.</param>
/// <param name="FeaturesCompared">How many features were compared in all.</param>
public sealed record DriftReport(int ReferenceVersion, double MaxPsi, string Level, IReadOnlyList<FeatureDrift> Features, FeatureDrift? Label, int FeaturesCompared)
{
    /// <summary>Features kept in a report (it travels between steps, so it stays small).</summary>
    public const int MaxFeatures = 20;

    /// <summary>Features named in the registry and run rows' <c>Drift</c> column.</summary>
    public const int TopFeatures = 5;

    /// <summary>The level names.</summary>
    public static class Levels
    {
        /// <summary>Below the moderate threshold.</summary>
        public const string None = "none";

        /// <summary>At or above the moderate threshold.</summary>
        public const string Moderate = "moderate";

        /// <summary>At or above the major threshold.</summary>
        public const string Major = "major";
    }

    /// <summary>The <c>Drift</c> column: max PSI, level, reference version, the top features' PSI and the label's.</summary>
    public string ToColumn() => JsonSerializer.Serialize(
        new
        {
            maxPsi = Math.Round(MaxPsi, 4),
            level = Level,
            referenceVersion = ReferenceVersion,
            top = Features.Take(TopFeatures).Select(f => new { feature = f.Feature, psi = Math.Round(f.Psi, 4), ks = f.Ks is { } ks ? Math.Round(ks, 4) : (double?)null }),
            labelPsi = Label is { } l ? Math.Round(l.Psi, 4) : (double?)null,
        },
        PipelineJson.Options);
}
