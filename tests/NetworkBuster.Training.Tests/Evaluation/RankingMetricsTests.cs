using NetworkBuster.Training.Metrics;
using NetworkBuster.Training.Training;

namespace NetworkBuster.Training.Tests.Evaluation;

public class RankingMetricsTests
{
    [Fact]
    public void Evaluate_SeenItemsExcludedAndHitsAtRanksOneAndThree_GivesHandComputedPrecisionAndNdcg()
    {
        var known = RecommenderTrainer.Load([("u1", "a", 5), ("u1", "b", 1), ("u2", "c", 3), ("u2", "d", 4), ("u2", "e", 2)]);
        (string, string, float)[] heldOut = [("u1", "c", 5), ("u1", "e", 4), ("u1", "d", 2)];
        float[] byItem = [9, 8, 7, 6, 5]; // a, b, c, d, e: u1 has seen a and b, so the list is c, d, e.

        var (precision, ndcg, users) = RankingMetrics.Evaluate(known, heldOut, 4, (_, scores) => byItem.CopyTo(scores, 0), k: 10);

        Assert.Equal(1, users);
        Assert.Equal(0.2, precision, 6);
        double expected = (1 + (1 / Math.Log2(4))) / (1 + (1 / Math.Log2(3)));
        Assert.Equal(expected, ndcg, 6);
    }

    [Fact]
    public void Score_UnknownItem_UsesTheUserBiasAndNoFactors()
    {
        float[] user = [3.5f, 1, 10, 0.4f, 1, 1];
        float[] item = [3.5f, 1, 10, -0.2f, 0.3f, 2, 1];

        Assert.Equal((3.5f + 0.4f - 0.2f + 3, 3.5f + 0.4f - 0.2f + 3 + 0.3f), RecommenderModel.Score(user, item));
        Assert.Equal(3.9f, RecommenderModel.Score(user, []).Score, 5);
        Assert.True(float.IsNaN(RecommenderModel.Score([], []).Score));
    }
}
