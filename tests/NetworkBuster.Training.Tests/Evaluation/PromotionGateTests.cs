using NetworkBuster.Training.Contracts;
using NetworkBuster.Training.Evaluation;
using NetworkBuster.Training.Metrics;

namespace NetworkBuster.Training.Tests.Evaluation;

public class PromotionGateTests
{
    private static readonly GateOptions Defaults = new();

    private static GateDecision Regression(double rmse, double r2, double? baseline, PromotionPolicy policy = PromotionPolicy.Auto, GateOptions? options = null)
    {
        var (margin, minimums) = (options ?? Defaults).For("performance-optimizer", ModelTask.Regression);
        return PromotionGate.Decide(policy, MetricCatalog.Rmse, new Dictionary<string, double> { ["RMSE"] = rmse, ["R2"] = r2 }, baseline, margin, minimums);
    }

    private static Dictionary<string, double> Classifier(double auc = 0.9, double accuracy = 0.9, double precision = 0.9, double recall = 0.9, double f1 = 0.9) =>
        new() { ["AUC"] = auc, ["Accuracy"] = accuracy, ["Precision"] = precision, ["Recall"] = recall, ["F1"] = f1 };

    [Fact]
    public void Decide_BetterCandidate_IsPromoted() =>
        Assert.True(Regression(rmse: 10, r2: 0.9, baseline: 12).Promote);

    [Fact]
    public void Decide_WorseCandidate_IsRejectedWithBothValues()
    {
        var decision = Regression(rmse: 13, r2: 0.9, baseline: 12);

        Assert.False(decision.Promote);
        Assert.Equal("RMSE 13 does not beat the current 12", decision.Reason);
    }

    [Fact]
    public void Decide_FirstVersion_NeedsOnlyTheThresholds()
    {
        Assert.True(Regression(rmse: 50, r2: 0.2, baseline: null).Promote);
        Assert.False(Regression(rmse: 50, r2: -0.1, baseline: null).Promote);
    }

    [Fact]
    public void Decide_BetterButBelowAFloor_IsRejectedNamingTheFloor()
    {
        var (margin, minimums) = Defaults.For("churn", ModelTask.Binary);

        var decision = PromotionGate.Decide(PromotionPolicy.Auto, MetricCatalog.Auc, Classifier(auc: 0.95, recall: 0.5), baseline: 0.8, margin, minimums);

        Assert.False(decision.Promote);
        Assert.Equal("below threshold: Recall 0.5 < 0.65", decision.Reason);
    }

    [Fact]
    public void Decide_ClassifierMeetingEveryDefaultFloor_IsPromoted()
    {
        var (margin, minimums) = Defaults.For("churn", ModelTask.Binary);

        Assert.True(PromotionGate.Decide(PromotionPolicy.Auto, MetricCatalog.Auc, Classifier(auc: 0.76, accuracy: 0.76, precision: 0.71, recall: 0.66, f1: 0.71), null, margin, minimums).Promote);
    }

    [Fact]
    public void Decide_MarginNotCleared_IsRejected()
    {
        var options = new GateOptions { Margin = 0.5 };

        Assert.False(Regression(rmse: 11.8, r2: 0.9, baseline: 12, options: options).Promote);
        Assert.True(Regression(rmse: 11.4, r2: 0.9, baseline: 12, options: options).Promote);
    }

    [Fact]
    public void Decide_PolicyOverridesTheGate()
    {
        Assert.True(Regression(rmse: 99, r2: -1, baseline: 1, policy: PromotionPolicy.Always).Promote);
        Assert.False(Regression(rmse: 1, r2: 0.99, baseline: 99, policy: PromotionPolicy.Never).Promote);
    }

    [Fact]
    public void For_PerModelOverride_ReplacesMarginAndAddsFloors()
    {
        var options = new GateOptions { Models = { ["performance-optimizer"] = new ModelGateOptions { Margin = 2, Minimums = { ["R2"] = 0.8 } } } };

        var (margin, minimums) = options.For("performance-optimizer", ModelTask.Regression);

        Assert.Equal(2, margin);
        Assert.Equal(0.8, minimums["R2"]);
        Assert.False(Regression(rmse: 10, r2: 0.7, baseline: null, options: options).Promote);
    }
}
