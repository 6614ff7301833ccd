using Microsoft.ML;
using NetworkBuster.Training.Contracts;
using NetworkBuster.Training.Datasets;
using NetworkBuster.Training.Metrics;

namespace NetworkBuster.Training.Training;

/// <summary>
/// K-fold cross-validation of the recommender for a <c>kfold</c> split, as Surprise reports it: the interactions are
/// shuffled by the seed and dealt into K folds of equal size, and each fold is scored once by what the job's own
/// procedure (<see cref="RecommenderTrainer.FitWithInnerSplit"/>) fits on the others. The result has the shape of
/// <see cref="CrossValidation.Summarize"/>: every regression metric's mean and <c>.sd</c>, precision@10 and NDCG@10
/// (relevant = held-out items rated 4+, as the evaluate step ranks), <c>Folds</c>; and two baselines scored on the same folds:
/// the same factorization without factors (<c>RMSE.biases</c>…) and ranking by popularity (<c>NDCG@10.popularity</c>…).
/// </summary>
internal static class RecommenderCrossValidation
{
    /// <summary>The suffix of the biases-only model's figures (the same factorization with 0 factors).</summary>
    public const string BiasesSuffix = ".biases";

    /// <summary>The suffix of ranking by popularity's figures.</summary>
    public const string PopularitySuffix = ".popularity";

    private const string Precision = "Precision@10";
    private const string Ndcg = "NDCG@10";

    private static readonly string[] BaselineMetrics = ["RMSE", "MAE", Precision, Ndcg];

    /// <summary>Cross-validates the factorization with <paramref name="hyperparameters"/> over <paramref name="folds"/> folds of <paramref name="rows"/>.</summary>
    /// <param name="ml">The context (scores the regression metrics as the evaluate step does).</param>
    /// <param name="rows">(user, item, rating) interactions.</param>
    /// <param name="folds">The number of folds.</param>
    /// <param name="hyperparameters">Effective hyperparameters of the <c>mf</c> trainer; an unset <c>popularityWeight</c> is chosen in each fold.</param>
    /// <param name="seed">Seeds the fold assignment, the inner splits and the factorization.</param>
    public static Dictionary<string, double> Run(MLContext ml, IReadOnlyList<(string User, string Item, float Rating)> rows, int folds, IReadOnlyDictionary<string, double> hyperparameters, int seed)
    {
        ArgumentNullException.ThrowIfNull(ml);
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(hyperparameters);
        var fold = AssignFolds(rows.Count, folds, seed);
        var options = MatrixFactorizationOptions.From(hyperparameters, seed);
        double? weight = hyperparameters.TryGetValue("popularityWeight", out double w) ? w : null;
        var (factorized, biases, popularity) = (new List<Dictionary<string, double>>(), new List<Dictionary<string, double>>(), new List<Dictionary<string, double>>());
        for (int f = 0; f < folds; f++)
        {
            var test = rows.Where((_, i) => fold[i] == f).ToList();
            var fitted = RecommenderTrainer.FitWithInnerSplit([.. rows.Where((_, i) => fold[i] != f)], options, weight, innerSeed: unchecked((seed * 31) + f + 1));
            var set = fitted.Set;
            var biasesOnly = MatrixFactorization.Fit(set.Ratings, set.Users.Count, set.Items.Count, options with { Factors = 0 });
            float relevant = RankingMetrics.RelevantRating(fitted.Model.MaxRating);
            var lift = RecommenderTrainer.Lift(set, fitted.Weight);
            factorized.Add(Score(ml, fitted.Model, set, test, relevant, lift));
            biases.Add(Score(ml, biasesOnly, set, test, relevant, lift));
            var counts = set.ItemCounts();
            popularity.Add(Ranking(set, test, relevant, (_, s) => { for (int i = 0; i < s.Length; i++) { s[i] = counts[i]; } }));
        }

        var summary = CrossValidation.Summarize(factorized);
        Append(summary, biases, BiasesSuffix);
        Append(summary, popularity, PopularitySuffix);
        return summary;
    }

    /// <summary>Whether a cross-validated metric is a baseline's mean (not its spread).</summary>
    public static bool IsBaseline(string name) =>
        name.EndsWith(BiasesSuffix, StringComparison.Ordinal) || name.EndsWith(PopularitySuffix, StringComparison.Ordinal);

    /// <summary>Deals the shuffled row indices into folds of equal size (±1).</summary>
    public static int[] AssignFolds(int rows, int folds, int seed)
    {
        var order = Enumerable.Range(0, rows).ToArray();
        new Random(seed).Shuffle(order);
        var fold = new int[rows];
        for (int k = 0; k < order.Length; k++)
        {
            fold[order[k]] = k % folds;
        }

        return fold;
    }

    // The regression metrics through the evaluate step's own calculator, plus the ranking metrics.
    private static Dictionary<string, double> Score(
        MLContext ml, MatrixFactorization model, RatingSet set, List<(string User, string Item, float Rating)> test, float relevant, float[] lift)
    {
        var scored = ml.Data.LoadFromEnumerable(test.Select(t => new ScoredRating { Label = t.Rating, Score = model.Predict(set.UserIndex(t.User), set.ItemIndex(t.Item)) }));
        var metrics = MetricsCalculator.Compute(ml, ModelTask.Recommendation, scored);
        foreach (var (name, value) in Ranking(set, test, relevant, RecommenderTrainer.Scorer(model, lift)))
        {
            metrics[name] = value;
        }

        return metrics;
    }

    private static Dictionary<string, double> Ranking(RatingSet set, List<(string User, string Item, float Rating)> test, float relevant, Action<int, float[]> score)
    {
        var ranking = RankingMetrics.Evaluate(set, test, relevant, score);
        return ranking.Users == 0 ? [] : new() { [Precision] = ranking.Precision, [Ndcg] = ranking.Ndcg };
    }

    // A baseline's figures under its suffix: RMSE → RMSE.biases, RMSE.sd → RMSE.biases.sd.
    private static void Append(Dictionary<string, double> summary, List<Dictionary<string, double>> perFold, string suffix)
    {
        var kept = perFold.Select(m => m.Where(p => BaselineMetrics.Contains(p.Key)).ToDictionary(p => p.Key, p => p.Value)).ToList();
        foreach (var (name, value) in CrossValidation.Summarize(kept).Where(p => p.Key != CrossValidation.FoldsName))
        {
            summary[name.EndsWith(".sd", StringComparison.Ordinal) ? name[..^3] + suffix + ".sd" : name + suffix] = value;
        }
    }

    private sealed class ScoredRating
    {
        [Microsoft.ML.Data.ColumnName(SnapshotSchema.LabelColumn)]
        public float Label { get; set; }

        public float Score { get; set; }
    }
}
