using NetworkBuster.Training.Contracts;
using NetworkBuster.Training.Jobs;
using NetworkBuster.Training.Steps;

namespace NetworkBuster.Training.Tests.Jobs;

/// <summary>How an anomaly spec is read: the label optional, pca the one trainer, its hyperparameters validated.</summary>
public class AnomalySpecParserTests
{
    private static JobParseResult Parse(string extra, string spec = """{"task":"anomaly"}""") =>
        JobMessageParser.Parse($$"""{"model":"sensors","dataset":"sensors/a.csv","spec":{{spec}}{{extra}}}""", "msg-1");

    [Fact]
    public void Parse_AnomalyWithoutLabel_IsUnlabeledAndDefaultsToPca()
    {
        var job = Parse("").Job!;

        var spec = DatasetIngestor.ResolveSpec(job);
        Assert.Equal(ModelTask.Anomaly, spec.Task);
        Assert.False(spec.HasLabel);
        Assert.Equal("pca", job.Trainer);
    }

    [Fact]
    public void Parse_AnomalyWithLabel_KeepsTheColumnThatMarksKnownAnomalies()
    {
        var spec = DatasetIngestor.ResolveSpec(Parse("", """{"task":"anomaly","label":"is_fraud","metric":"precisionatk"}""").Job!);

        Assert.True(spec.HasLabel);
        Assert.Equal("is_fraud", spec.Label);
        Assert.Equal("PrecisionAtK", spec.Metric);
    }

    [Fact]
    public void Parse_AutoForAnAnomalyModel_IsPca()
    {
        Assert.Equal("pca", Parse(""","trainer":"auto","hyperparameters":{"rank":3}""").Job!.Trainer);
    }

    [Theory]
    [InlineData("fasttree")]
    [InlineData("sdca")]
    [InlineData("lightgbm")]
    public void Parse_SupervisedTrainerForAnAnomalyModel_IsRefusedNamingPca(string trainer)
    {
        var failure = Parse($$""","trainer":"{{trainer}}" """).Failure!;

        Assert.Equal(ErrorCode.InvalidHyperparameter, failure.Code);
        Assert.Contains("must be pca", failure.Message, StringComparison.Ordinal);
        Assert.Contains($"found \"{trainer}\"", failure.Message, StringComparison.Ordinal);
        Assert.Contains("unlabeled rows", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_PcaForARegressionModel_IsRefused()
    {
        var failure = Parse(""","trainer":"pca" """, """{"task":"regression","label":"y"}""").Failure!;

        Assert.Equal(ErrorCode.InvalidHyperparameter, failure.Code);
        Assert.Contains("found \"pca\"", failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"rank":0}""", "'rank' of trainer 'pca' must be a whole number from 1 to 1000, but found 0")]
    [InlineData("""{"rank":2.5}""", "'rank' of trainer 'pca' must be a whole number from 1 to 1000, but found 2.5")]
    [InlineData("""{"oversampling":-1}""", "'oversampling' of trainer 'pca' must be a whole number from 0 to 1000, but found -1")]
    [InlineData("""{"ensureZeroMean":2}""", "'ensureZeroMean' of trainer 'pca' must be a whole number from 0 to 1, but found 2")]
    [InlineData("""{"contamination":0}""", "'contamination' of trainer 'pca' must be a number above 0 up to 0.5, but found 0")]
    [InlineData("""{"contamination":0.6}""", "'contamination' of trainer 'pca' must be a number above 0 up to 0.5, but found 0.6")]
    [InlineData("""{"numberOfTrees":10}""", "accepts the hyperparameters rank, oversampling, ensureZeroMean, contamination, but found \"numberOfTrees\"")]
    public void Parse_PcaHyperparameterOutOfRange_IsRefusedWithTheAllowedRange(string hyperparameters, string expected)
    {
        var failure = Parse($$""","hyperparameters":{{hyperparameters}}""").Failure!;

        Assert.Equal(ErrorCode.InvalidHyperparameter, failure.Code);
        Assert.Contains(expected, failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_PcaHyperparametersInRange_AreKept()
    {
        var job = Parse(""","hyperparameters":{"rank":4,"oversampling":10,"ensureZeroMean":0,"contamination":0.05}""").Job!;

        Assert.Equal(4, job.Hyperparameters["rank"]);
        Assert.Equal(0.05, job.Hyperparameters["contamination"]);
    }

    [Theory]
    [InlineData(""","split":{"kind":"kfold","folds":5}""", "kfold does not apply here")]
    [InlineData(""","threshold":"f1" """, "'contamination' share of training rows")]
    [InlineData(""","search":{"kind":"random","trials":3}""", "'search'")]
    public void Parse_OptionsThatNeedSupervisedLabels_AreRefusedForAnomalyModels(string extra, string expected)
    {
        var failure = Parse(extra).Failure!;

        Assert.Equal(ErrorCode.InvalidMessage, failure.Code);
        Assert.Contains(expected, failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", """{"task":"anomaly","metric":"AUC"}""")]
    [InlineData(""","metric":"DetectionRate" """, """{"task":"anomaly"}""")]
    public void Parse_MetricWithoutLabel_IsRefusedAskingForTheLabel(string extra, string spec)
    {
        var failure = Parse(extra, spec).Failure!;

        Assert.Equal(ErrorCode.InvalidMessage, failure.Code);
        Assert.Contains("needs known anomalies", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UnknownTask_NamesAnomalyAmongTheTasks()
    {
        var failure = Parse("", """{"task":"outliers"}""").Failure!;

        Assert.Contains("binary, multiclass, regression, recommendation, anomaly", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ModelTask_Anomaly_IsAddedAfterTheStoredTasks()
    {
        // Manifests and input schemas store the task as its number.
        Assert.Equal(4, (int)ModelTask.Anomaly);
        Assert.Equal(3, (int)ModelTask.Recommendation);
    }
}
