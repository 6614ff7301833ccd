using Microsoft.ML;
using NetworkBuster.Training.Datasets;
using NetworkBuster.Training.Metrics;

namespace NetworkBuster.Training.Training;

/// <summary>
/// Fits the recommender: matrix factorization on the train split; the popularity lift of the ranking score chosen by
/// NDCG@10 on the validation split (unless the job set it); then a refit on train + validation with those settings.
/// A kfold split has no validation split: the weight is chosen on a seeded inner 10% of the rows instead.
/// </summary>
internal static class RecommenderTrainer
{
    /// <summary>The popularity weights compared on validation.</summary>
    public static readonly IReadOnlyList<double> PopularityWeights = [0, 0.05, 0.1, 0.2, 0.35, 0.5, 0.75, 1];

    /// <summary>The share of a kfold fit's rows held out to choose the popularity weight.</summary>
    public const double InnerValidationShare = 0.1;

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

    /// <summary>Fits and packages the model; for a kfold split, first cross-validates the same procedure.</summary>
    /// <param name="ml">The context.</param>
    /// <param name="schema">The snapshot layout.</param>
    /// <param name="trainPath">The train rows.</param>
    /// <param name="validationPath">The validation rows.</param>
    /// <param name="input">A view whose schema the model takes.</param>
    /// <param name="hyperparameters">Effective hyperparameters of the <c>mf</c> trainer.</param>
    /// <param name="seed">The job's seed.</param>
    /// <param name="folds">The folds of a kfold split, or null.</param>
    /// <returns>
    /// The model, the hyperparameters used (the chosen popularity weight included) and, for a kfold split, the
    /// cross-validated metrics (<see cref="RecommenderCrossValidation.Run"/>).
    /// </returns>
    public static (ITransformer Model, IReadOnlyDictionary<string, double> Hyperparameters, Dictionary<string, double>? CrossValidation, IReadOnlyList<double>? Curve) Train(
        MLContext ml, SnapshotSchema schema, string trainPath, string validationPath, IDataView input, IReadOnlyDictionary<string, double> hyperparameters, int seed, int? folds = null)
    {
        ArgumentNullException.ThrowIfNull(hyperparameters);
        var options = MatrixFactorizationOptions.From(hyperparameters, seed);
        double? weight = hyperparameters.TryGetValue("popularityWeight", out double w) ? w : null;
        var validation = Read(validationPath, schema).ToList();
        Dictionary<string, double>? crossValidation = null;
        FittedRecommender fitted;
        if (folds is { } k)
        {
            // kfold ingests every row as train: the weight is chosen on an inner split, as in each fold.
            var rows = Read(trainPath, schema).Concat(validation).ToList();
            crossValidation = RecommenderCrossValidation.Run(ml, rows, k, hyperparameters, seed);
            fitted = FitWithInnerSplit(rows, options, weight, innerSeed: seed);
        }
        else
        {
            fitted = Fit(Read(trainPath, schema), validation, options, weight);
        }

        var used = new Dictionary<string, double>(hyperparameters) { ["popularityWeight"] = fitted.Weight };
        return (RecommenderModel.Build(ml, fitted.Model, fitted.Set.Users, fitted.Set.Items, Lift(fitted.Set, fitted.Weight), input), used, crossValidation, fitted.Curve);
    }

    /// <summary>
    /// The fit of a kfold split (the final one, and each fold's): a seeded <see cref="InnerValidationShare"/> of
    /// <paramref name="rows"/> is held out to choose the popularity weight (unless set), then <see cref="Fit"/>.
    /// </summary>
    public static FittedRecommender FitWithInnerSplit(IReadOnlyList<(string User, string Item, float Rating)> rows, MatrixFactorizationOptions options, double? weight, int innerSeed)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (weight is not null)
        {
            return Fit(rows, [], options, weight);
        }

        var random = new Random(innerSeed);
        var inner = rows.Select(_ => random.NextDouble() < InnerValidationShare).ToArray();
        return Fit(rows.Where((_, i) => !inner[i]), [.. rows.Where((_, i) => inner[i])], options, weight);
    }

    /// <summary>
    /// Matrix factorization on <paramref name="train"/> scores <paramref name="validation"/> to choose the popularity
    /// weight (unless set; 0 without validation rows), then the factorization is refitted on both.
    /// </summary>
    public static FittedRecommender Fit(IEnumerable<(string User, string Item, float Rating)> train, List<(string User, string Item, float Rating)> validation, MatrixFactorizationOptions options, double? weight)
    {
        ArgumentNullException.ThrowIfNull(validation);
        ArgumentNullException.ThrowIfNull(options);
        var set = Load(train);
        List<double>? curve = null;
        if (validation.Count > 0 && weight is null)
        {
            // The fit on train alone (it chooses the weight) scores the validation ratings after every epoch: the training curve.
            curve = [];
            var scored = validation.Select(v => (User: set.UserIndex(v.User), Item: set.ItemIndex(v.Item), v.Rating)).ToArray();
            var onTrain = MatrixFactorization.Fit(set.Ratings, set.Users.Count, set.Items.Count, options, mf => curve.Add(Rmse(mf, scored)));
            weight = ChooseWeight(set, validation, onTrain);
        }

        weight ??= 0;
        foreach (var (user, item, rating) in validation)
        {
            set.Add(user, item, rating);
        }

        return new FittedRecommender(set, MatrixFactorization.Fit(set.Ratings, set.Users.Count, set.Items.Count, options), weight.Value) { Curve = curve };
    }

    // Validation RMSE of the factorization so far (unknown users or items, index −1, predict from the biases they have).
    private static double Rmse(MatrixFactorization mf, (int User, int Item, float Rating)[] validation)
    {
        double sum = 0;
        foreach (var (user, item, rating) in validation)
        {
            double error = rating - mf.Predict(user, item);
            sum += error * error;
        }

        return Math.Sqrt(sum / validation.Length);
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

/// <summary>A fitted factorization with the ratings that index it and its popularity weight.</summary>
/// <param name="Set">The ratings it was fitted on (their ids give the model's indices).</param>
/// <param name="Model">The factorization.</param>
/// <param name="Weight">The popularity weight of the ranking score.</param>
internal sealed record FittedRecommender(RatingSet Set, MatrixFactorization Model, double Weight)
{
    /// <summary>Validation RMSE after each epoch of the fit on train alone, when it ran (validation ratings and no popularity weight set).</summary>
    public IReadOnlyList<double>? Curve { get; init; }
}
