namespace NetworkBuster.Training.Training;

/// <summary>The names of the <c>pca</c> trainer's hyperparameters, as jobs and registry rows spell them.</summary>
public static class AnomalyOptions
{
    /// <summary>Principal components kept: the subspace normal rows are expected to lie in.</summary>
    public const string Rank = "rank";

    /// <summary>Extra random directions of the randomized SVD (accuracy against time).</summary>
    public const string Oversampling = "oversampling";

    /// <summary>1 to centre the features before the SVD, 0 not to.</summary>
    public const string EnsureZeroMean = "ensureZeroMean";

    /// <summary>The share of training rows an unlabeled model's threshold flags.</summary>
    public const string Contamination = "contamination";

    /// <summary>The largest default rank.</summary>
    public const int DefaultMaxRank = 20;

    /// <summary>The largest default rank for <paramref name="featureCount"/> feature values: at most 20, and below the count so the residual is not always 0.</summary>
    public static int DefaultRank(int featureCount) => Math.Clamp(featureCount - 1, 1, DefaultMaxRank);
}
