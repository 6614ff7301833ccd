using Microsoft.ML;
using NetworkBuster.Training.Datasets;
using NetworkBuster.Training.Metrics;

namespace NetworkBuster.Training.Training;

/// <summary>
/// Fits the recommender: matrix factorization on the train split; the popularity lift of the ranking score chosen by
/// NDCG@10 on the validation split (unless the job set it); then a refit on train + validation with those settings.
/// </summary>
internal static class RecommenderTrainer
{
    /// <summary>The popularity weights compared on validation.</summary>
    public static readonly IReadOnlyList<double> PopularityWeights = [0, 0.05, 0.1, 0.2, 0.35, 0.5, 0.75, 1];

    /// <summary>Reads (user, item, rating) rows of a recommendation snapshot.</summary>
    public static IEnumerable<(string User, string Item, float Rating)> Read(string path, SnapshotSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        using var file = File.OpenRead(path);
        using var reader = new RowFile.Reader(file, 1 + schema.NumberColumns.Count, schema.StringColumns.Count);
        var numbers = new float[1 + schema.NumberColumns.Count];
        var strings = new string[schema.StringColumns.Count];
        while (reader.Read(numbers, strings))
        {
            yield return (strings[0], strings[1], numbers[0]);
        }
    }

    /// <summary>Fits and packages the model.</summary>
    /// <param name="ml">The context.</param>
    /// <param name="schema">The snapshot layout.</param>
    /// <param name="trainPath">The train rows.</param>
    /// <param name="validationPath">The validation rows.</param>
    /// <param name="input">A view whose schema the model takes.</param>
    /// <param name="hyperparameters">Effective hyperparameters of the <c>mf</c> trainer.</param>
    /// <param name="seed">The job's seed.</param>
    /// <returns>The model and the hyperparameters used (the chosen popularity weight included).</returns>
    public static (ITransformer Model, IReadOnlyDictionary<string, double> Hyperparameters) Train(
        MLContext ml, SnapshotSchema schema, string trainPath, string validationPath, IDataView input, IReadOnlyDictionary<string, double> hyperparameters, int seed)
    {
        ArgumentNullException.ThrowIfNull(hyperparameters);
        var options = MatrixFactorizationOptions.From(hyperparameters, seed);
        var train = Load(Read(trainPath, schema));
        var validation = Read(validationPath, schema).ToList();
        double weight = hyperparameters.TryGetValue("popularityWeight", out double w) ? w
            : validation.Count == 0 ? 0
            : ChooseWeight(train, validation, MatrixFactorization.Fit(train.Ratings, train.Users.Count, train.Items.Count, options));
        foreach (var (user, item, rating) in validation)
        {
            train.Add(user, item, rating);
        }

        var mf = MatrixFactorization.Fit(train.Ratings, train.Users.Count, train.Items.Count, options);
        var used = new Dictionary<string, double>(hyperparameters) { ["popularityWeight"] = weight };
        return (RecommenderModel.Build(ml, mf, train.Users, train.Items, Lift(train, weight), input), used);
    }

    /// <summary>Each item's ranking lift: <paramref name="weight"/> × ln(1 + its ratings).</summary>
    public static float[] Lift(RatingSet set, double weight)
    {
        ArgumentNullException.ThrowIfNull(set);
        return [.. set.ItemCounts().Select(c => (float)(weight * Math.Log(1 + c)))];
    }

    /// <summary>Loads ratings into an indexed set.</summary>
    public static RatingSet Load(IEnumerable<(string User, string Item, float Rating)> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var set = new RatingSet();
        foreach (var (user, item, rating) in rows)
        {
            set.Add(user, item, rating);
        }

        return set;
    }

    /// <summary>Scores every item for a user through <see cref="RecommenderModel.Score"/> (the model's own scoring function).</summary>
    public static Action<int, float[]> Scorer(MatrixFactorization mf, float[] lift)
    {
        ArgumentNullException.ThrowIfNull(mf);
        ArgumentNullException.ThrowIfNull(lift);
        var items = Enumerable.Range(0, lift.Length).Select(i => RecommenderModel.ItemVectorOf(mf, i, lift[i])).ToArray();
        return (user, scores) =>
        {
            var u = RecommenderModel.UserVectorOf(mf, user);
            for (int i = 0; i < scores.Length; i++)
            {
                scores[i] = RecommenderModel.Score(u, items[i]).Affinity;
            }
        };
    }

    /// <summary>The popularity weight with the best NDCG@10 on <paramref name="validation"/> (ties: the smaller).</summary>
    public static double ChooseWeight(RatingSet train, List<(string User, string Item, float Rating)> validation, MatrixFactorization mf)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(mf);
        float relevant = RankingMetrics.RelevantRating(mf.MaxRating);
        var scored = PopularityWeights
            .Select(weight => (weight, RankingMetrics.Evaluate(train, validation, relevant, Scorer(mf, Lift(train, weight))).Ndcg))
            .ToList();
        var best = scored.Where(s => double.IsFinite(s.Ndcg)).OrderByDescending(s => s.Ndcg).ThenBy(s => s.weight).FirstOrDefault();
        return best == default ? 0 : best.weight;
    }
}
