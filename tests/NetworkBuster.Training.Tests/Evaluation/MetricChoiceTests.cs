using Microsoft.ML;
using NetworkBuster.Training.Contracts;
using NetworkBuster.Training.Jobs;
using NetworkBuster.Training.Metrics;
using NetworkBuster.Training.Steps;

namespace NetworkBuster.Training.Tests.Evaluation;

/// <summary>MAPE for every regression, and the primary metric a <c>spec</c> job chooses.</summary>
public class MetricChoiceTests
{
    private sealed class Scored
    {
        public float Label { get; set; }

        public float Score { get; set; }
    }

    private static IDataView View(params (float Label, float Score)[] rows) =>
        new MLContext(seed: 1).Data.LoadFromEnumerable(rows.Select(r => new Scored { Label = r.Label, Score = r.Score }));

    [Fact]
    public void Mape_IsTheMeanRelativeErrorInPercent_SkippingAndCountingZeroLabels()
    {
        var (mape, zero) = MetricsCalculator.MeanAbsolutePercentageError(View((100, 110), (200, 180), (0, 5), (50, 50)));

        Assert.Equal(100 * (0.1 + 0.1 + 0) / 3, mape, 9);
        Assert.Equal(1, zero);
    }

    [Fact]
    public void RegressionMetrics_IncludeMape()
    {
        var metrics = MetricsCalculator.Compute(new MLContext(seed: 1), ModelTask.Regression, View((10, 11), (20, 18), (40, 40)));

        Assert.Equal(Math.Round(100 * (0.1 + 0.1) / 3, 6), metrics["MAPE"]);
        Assert.Equal(0, metrics["MAPEZeroLabelsSkipped"]);
    }

    [Theory]
    [InlineData("regression", "mape", "MAPE", false)]
    [InlineData("regression", "R2", "R2", true)]
    [InlineData("binary", "aucpr", "AUCPR", true)]
    [InlineData("binary", "LogLoss", "LogLoss", false)]
    public void SpecMetric_BecomesThePrimaryMetric_WithItsDirection(string task, string metric, string canonical, bool higherIsBetter)
    {
        var job = JobMessageParser.Parse($$$"""{"model":"my-model","dataset":"x/a.csv","spec":{"task":"{{{task}}}","label":"y","metric":"{{{metric}}}"}}""", "m").Job!;

        var primary = ModelEvaluator.PrimaryMetricOf(job, task == "binary" ? ModelTask.Binary : ModelTask.Regression);

        Assert.Equal((canonical, higherIsBetter), (primary.Name, primary.HigherIsBetter));
    }

    [Fact]
    public void SpecMetric_NotAMetricOfTheTask_IsRefusedListingTheTasksMetrics()
    {
        var failure = JobMessageParser.Parse("""{"model":"my-model","dataset":"x/a.csv","spec":{"task":"regression","label":"y","metric":"AUC"}}""", "m").Failure!;

        Assert.Equal(ErrorCode.InvalidMessage, failure.Code);
        Assert.Equal("'spec.metric' must be one of RMSE, MAE, MAPE, R2, MSE for task regression, but found the string \"AUC\".", failure.Message);
    }

    [Fact]
    public void NoSpecMetric_KeepsTheTasksDefault()
    {
        var job = JobMessageParser.Parse("""{"model":"my-model","dataset":"x/a.csv","spec":{"task":"regression","label":"y"}}""", "m").Job!;

        Assert.Equal("RMSE", ModelEvaluator.PrimaryMetricOf(job, ModelTask.Regression).Name);
    }

    [Fact]
    public void MetricOnTheMessage_PicksAPresetsPrimaryMetric_AndKeepsItThroughTheWriter()
    {
        var job = JobMessageParser.Parse("""{"model":"performance-optimizer","dataset":"performance-optimizer/a.csv","metric":"mape"}""", "m").Job!;

        Assert.Equal("MAPE", ModelEvaluator.PrimaryMetricOf(job, ModelTask.Regression).Name);
        Assert.Equal("MAPE", JobMessageParser.Parse(JobMessageWriter.ToJson(job), "m").Job!.Metric);
        Assert.Equal("RMSE", ModelEvaluator.PrimaryMetricOf(JobMessageParser.Parse("""{"model":"performance-optimizer","dataset":"performance-optimizer/a.csv"}""", "m").Job!, ModelTask.Regression).Name);
    }

    [Fact]
    public void MetricOnTheMessage_NotAMetricOfThePresetsTask_IsRefused()
    {
        var failure = JobMessageParser.Parse("""{"model":"visitor-behavior-model","dataset":"visitor-behavior-model/a.csv","metric":"RMSE"}""", "m").Failure!;

        Assert.Equal(ErrorCode.InvalidMessage, failure.Code);
        Assert.StartsWith("'metric' must be one of AUC, ", failure.Message, StringComparison.Ordinal);
        Assert.EndsWith("for 'visitor-behavior-model' (binary), but found \"RMSE\".", failure.Message, StringComparison.Ordinal);
    }
}
