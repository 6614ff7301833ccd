using NetworkBuster.Training.Metrics;
using NetworkBuster.Training.Training;

namespace NetworkBuster.Training.Evaluation;

/// <summary>One predictor's cross-validated figures.</summary>
/// <param name="Predictor">What was scored.</param>
/// <param name="Rmse">Mean RMSE over folds (NaN for ranking-only predictors).</param>
/// <param name="RmseSd">Its standard deviation over folds.</param>
/// <param name="Mae">Mean MAE over folds.</param>
/// <param name="PrecisionAt10">Mean precision@10 over folds.</param>
/// <param name="NdcgAt10">Mean NDCG@10 over folds.</param>
public sealed record CrossValidatedFigures(string Predictor, double Rmse, double RmseSd, double Mae, double PrecisionAt10, double NdcgAt10);

/// <summary>
/// K-fold cross-validation of the recommender as Surprise reports it (ratings shuffled and split into K folds; each fold
/// scored once by a model fitted on the others), beside the global mean, a bias-only model and popularity ranking.
/// Ranking: each user's held-out items rated 4+ are relevant; the popularity lift is chosen on 10% of each fold's
/// training ratings, as the pipeline does on its validation split.
/// </summary>
public static class RecommenderCrossValidation
{
    /// <summary>Runs the cross-validation.</summary>
    public static IReadOnlyList<CrossValidatedFigures> Run(IReadOnlyList<(string User, string Item, float Rating)> rows, int folds, IReadOnlyDictionary<string, double> hyperparameters, int seed)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(hyperparameters);
        var random = new Random(seed);
        var fold = rows.Select(_ => random.Next(folds)).ToArray();
        var options = MatrixFactorizationOptions.From(hyperparameters, seed);
        var results = new Dictionary<string, List<(double Rmse, double Mae, double P, double N)>>();
        void Add(string name, (double, double, double, double) figures) => (results.TryGetValue(name, out var list) ? list : results[name] = []).Add(figures);
        for (int f = 0; f < folds; f++)
        {
            var trainRows = rows.Where((_, i) => fold[i] != f).ToList();
            var test = rows.Where((_, i) => fold[i] == f).ToList();
            var inner = trainRows.Select(_ => random.NextDouble() < 0.1).ToArray();
            var fitPart = RecommenderTrainer.Load(trainRows.Where((_, i) => !inner[i]));
            var weight = RecommenderTrainer.ChooseWeight(fitPart, [.. trainRows.Where((_, i) => inner[i])], MatrixFactorization.Fit(fitPart.Ratings, fitPart.Users.Count, fitPart.Items.Count, options));
            var train = RecommenderTrainer.Load(trainRows);
            var mf = MatrixFactorization.Fit(train.Ratings, train.Users.Count, train.Items.Count, options);
            var biases = MatrixFactorization.Fit(train.Ratings, train.Users.Count, train.Items.Count, options with { Factors = 0 });
            float relevant = RankingMetrics.RelevantRating(mf.MaxRating);
            var counts = train.ItemCounts();
            var popularity = RankingMetrics.Evaluate(train, test, relevant, (_, s) => { for (int i = 0; i < s.Length; i++) { s[i] = counts[i]; } });
            var mean = mf.Mean;
            Add("global mean", (Rmse(test, (_, _) => mean), Mae(test, (_, _) => mean), double.NaN, double.NaN));
            Add("popularity (ranking)", (double.NaN, double.NaN, popularity.Precision, popularity.Ndcg));
            foreach (var (name, model) in new[] { ("biases only", biases), ("matrix factorization", mf) })
            {
                float Predict(string u, string i) => model.Predict(train.UserIndex(u), train.ItemIndex(i));
                var ranking = RankingMetrics.Evaluate(train, test, relevant, RecommenderTrainer.Scorer(model, RecommenderTrainer.Lift(train, weight)));
                Add(name, (Rmse(test, Predict), Mae(test, Predict), ranking.Precision, ranking.Ndcg));
            }
        }

        return [.. results.Select(r => new CrossValidatedFigures(
            r.Key,
            r.Value.Average(x => x.Rmse),
            StandardDeviation(r.Value.Select(x => x.Rmse)),
            r.Value.Average(x => x.Mae),
            r.Value.Average(x => x.P),
            r.Value.Average(x => x.N)))];
    }

    /// <summary>The sample standard deviation.</summary>
    public static double StandardDeviation(IEnumerable<double> values)
    {
        var list = values.ToList();
        if (list.Count < 2)
        {
            return 0;
        }

        double mean = list.Average();
        return Math.Sqrt(list.Sum(v => (v - mean) * (v - mean)) / (list.Count - 1));
    }

    private static double Rmse(List<(string User, string Item, float Rating)> test, Func<string, string, float> predict) =>
        Math.Sqrt(test.Average(t => Math.Pow(t.Rating - predict(t.User, t.Item), 2)));

    private static double Mae(List<(string User, string Item, float Rating)> test, Func<string, string, float> predict) =>
        test.Average(t => Math.Abs(t.Rating - predict(t.User, t.Item)));
}
