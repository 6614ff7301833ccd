using NetworkBuster.Training.Training;

namespace NetworkBuster.Training.Tests.Training;

/// <summary>The factorization's training curve: validation RMSE after every epoch of the fit on train alone.</summary>
public class MatrixFactorizationCurveTests
{
    [Fact]
    public void Fit_WithValidationRatings_RecordsOneFallingRmsePerEpoch()
    {
        var ratings = Ratings(users: 150, items: 60, seed: 4);
        var validation = ratings.Where((_, i) => i % 10 == 0).ToList();
        var options = new MatrixFactorizationOptions(Factors: 8, Epochs: 25, LearningRate: 0.01, Regularization: 0.05, BiasRegularization: 0.05, Seed: 1);

        var fitted = RecommenderTrainer.Fit(ratings.Where((_, i) => i % 10 != 0), validation, options, weight: null);

        Assert.NotNull(fitted.Curve);
        Assert.Equal(options.Epochs, fitted.Curve.Count);
        Assert.All(fitted.Curve, v => Assert.True(double.IsFinite(v) && v > 0));
        Assert.True(fitted.Curve.Min() < fitted.Curve[0] * 0.9, $"validation RMSE {string.Join(", ", fitted.Curve.Select(v => v.ToString("F3", System.Globalization.CultureInfo.InvariantCulture)))} should fall by 10% or more");
    }

    [Fact]
    public void Fit_WithoutValidationRatings_HasNoCurve()
    {
        var options = new MatrixFactorizationOptions(Factors: 4, Epochs: 5, LearningRate: 0.01, Regularization: 0.05, BiasRegularization: 0.05, Seed: 1);

        var fitted = RecommenderTrainer.Fit(Ratings(users: 20, items: 10, seed: 2), [], options, weight: 0);

        Assert.Null(fitted.Curve);
    }

    // Ratings 1–5 from user and item biases plus a two-factor interaction and noise; about 40% of the pairs rated.
    private static List<(string User, string Item, float Rating)> Ratings(int users, int items, int seed)
    {
        var random = new Random(seed);
        var userBias = Enumerable.Range(0, users).Select(_ => (random.NextDouble() * 2) - 1).ToArray();
        var itemBias = Enumerable.Range(0, items).Select(_ => (random.NextDouble() * 2) - 1).ToArray();
        var userTaste = Enumerable.Range(0, users).Select(_ => (random.NextDouble() * 2) - 1).ToArray();
        var itemTaste = Enumerable.Range(0, items).Select(_ => (random.NextDouble() * 2) - 1).ToArray();
        var rows = new List<(string, string, float)>();
        for (int u = 0; u < users; u++)
        {
            for (int i = 0; i < items; i++)
            {
                if (random.NextDouble() < 0.4)
                {
                    double rating = 3 + userBias[u] + itemBias[i] + (1.5 * userTaste[u] * itemTaste[i]) + ((random.NextDouble() - 0.5) * 0.5);
                    rows.Add(($"u{u}", $"i{i}", (float)Math.Clamp(Math.Round(rating), 1, 5)));
                }
            }
        }

        return rows;
    }
}
