using NetworkBuster.Training.Contracts;
using NetworkBuster.Training.Jobs;
using NetworkBuster.Training.Metrics;

namespace NetworkBuster.Training.Tests.Evaluation;

/// <summary>How a binary model's decision threshold is written, chosen on scored rows, and applied to the metrics.</summary>
public class DecisionThresholdTests
{
    // Scores of 10 rows, best first: positives at 0.9, 0.8, 0.6, 0.3; negatives at 0.7, 0.4, 0.2, 0.15, 0.1, 0.05.
    private static readonly (bool Label, float Probability)[] Rows =
    [
        (true, 0.9f), (true, 0.8f), (false, 0.7f), (true, 0.6f), (false, 0.4f), (true, 0.3f), (false, 0.2f), (false, 0.15f), (false, 0.1f), (false, 0.05f),
    ];

    [Theory]
    [InlineData("f1", "f1")]
    [InlineData(" YOUDEN ", "youden")]
    [InlineData("0.35", "0.35")]
    [InlineData("precision >= 0.8", "precision>=0.8")]
    [InlineData("recall>=0.9", "recall>=0.9")]
    public void Policies_ParseAndPrintAsWritten(string text, string expected) => Assert.Equal(expected, ThresholdPolicy.TryParse(text)!.ToString());

    [Theory]
    [InlineData("1.5")]
    [InlineData("0")]
    [InlineData("precision>=")]
    [InlineData("accuracy")]
    public void NotAPolicy_IsNull(string text) => Assert.Null(ThresholdPolicy.TryParse(text));

    [Fact]
    public void F1_PicksTheCutWithTheHighestF1()
    {
        // At 0.6: TP 3, FP 1, FN 1 → F1 0.75 (at 0.3: TP 4, FP 2 → 0.8). 0.3 is the best cut.
        Assert.Equal(0.3, ThresholdPolicy.Default.Choose(Rows), 6);
        Assert.Equal(0.8, ThresholdPolicy.MetricsAt(Rows, 0.3)["F1"], 6);
    }

    [Fact]
    public void PrecisionTarget_TakesTheHighestRecallThatKeepsIt()
    {
        // precision ≥ 0.75: at 0.6 (3 of 4) recall 0.75; at 0.3 precision is 4/6.
        Assert.Equal(0.6, ThresholdPolicy.TryParse("precision>=0.75")!.Choose(Rows), 6);
        Assert.Equal(0.8, ThresholdPolicy.TryParse("precision>=1")?.Choose(Rows) ?? ThresholdPolicy.TryParse("precision>=0.99")!.Choose(Rows), 6);
    }

    [Fact]
    public void RecallTarget_AndYouden_AndFixed()
    {
        Assert.Equal(0.3, ThresholdPolicy.TryParse("recall>=0.9")!.Choose(Rows), 6);
        // Youden: at 0.3 recall 1 − FPR 2/6 = 0.667; at 0.6 recall 0.75 − 1/6 = 0.583.
        Assert.Equal(0.3, ThresholdPolicy.TryParse("youden")!.Choose(Rows), 6);
        Assert.Equal(0.42, ThresholdPolicy.TryParse("0.42")!.Choose(Rows), 6);
    }

    [Fact]
    public void OneClassOnly_KeepsHalf() => Assert.Equal(0.5, ThresholdPolicy.Default.Choose([(true, 0.9f), (true, 0.2f)]));

    [Fact]
    public void ApplyTo_ReplacesThresholdMetrics_KeepsTheHalfValues_AndLeavesAucAlone()
    {
        var metrics = new Dictionary<string, double> { ["AUC"] = 0.9, ["Recall"] = 0.5, ["Accuracy"] = 0.8 };

        ThresholdPolicy.ApplyTo(metrics, Rows, 0.3);

        Assert.Equal(0.9, metrics["AUC"]);
        Assert.Equal((1.0, 0.5), (metrics["Recall"], metrics["Recall@0.5"]));
        Assert.Equal((0.8, 0.8), (metrics["Accuracy"], metrics["Accuracy@0.5"]));
        Assert.Equal((4.0, 2.0, 4.0, 0.0), (metrics["TruePositives"], metrics["FalsePositives"], metrics["TrueNegatives"], metrics["FalseNegatives"]));
        Assert.Equal(0.3, metrics["DecisionThreshold"]);
    }

    [Fact]
    public void JobMessage_ThresholdOnTheMessageOrInTheSpec_IsNormalised()
    {
        var onMessage = JobMessageParser.Parse("""{"model":"visitor-behavior-model","dataset":"visitor-behavior-model/a.csv","threshold":"Precision>=0.8"}""", "j1").Job!;
        var inSpec = JobMessageParser.Parse("""{"model":"churn-x","dataset":"c/a.csv","spec":{"task":"binary","label":"y","threshold":0.3}}""", "j2").Job!;

        Assert.Equal("precision>=0.8", onMessage.Threshold);
        Assert.Equal("0.3", inSpec.Threshold);
        Assert.Null(JobMessageParser.Parse("""{"model":"churn-x","dataset":"c/a.csv","spec":{"task":"binary","label":"y"}}""", "j3").Job!.Threshold);
    }

    [Theory]
    [InlineData("""{"model":"performance-optimizer","dataset":"performance-optimizer/a.csv","threshold":"f1"}""", "'threshold' applies to binary models, but 'performance-optimizer' is a regression model.")]
    [InlineData("""{"model":"churn-x","dataset":"c/a.csv","threshold":"best","spec":{"task":"binary","label":"y"}}""", "'threshold' must be 'f1', 'youden', a probability between 0 and 1, 'precision>=0.8' or 'recall>=0.8', but found \"best\".")]
    public void JobMessage_BadThreshold_IsInvalidMessageNamingWhatWasExpected(string message, string error)
    {
        var failure = JobMessageParser.Parse(message, "j").Failure!;
        Assert.Equal(ErrorCode.InvalidMessage, failure.Code);
        Assert.Equal(error, failure.Message);
    }

    [Fact]
    public void JobMessageWriter_KeepsTheThreshold()
    {
        var job = JobMessageParser.Parse("""{"model":"visitor-behavior-model","dataset":"visitor-behavior-model/a.csv","threshold":"youden"}""", "j1").Job!;
        Assert.Equal("youden", JobMessageParser.Parse(JobMessageWriter.ToJson(job), "j1").Job!.Threshold);
    }
}
