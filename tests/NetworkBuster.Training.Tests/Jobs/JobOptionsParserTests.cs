using System.Text.Json;
using NetworkBuster.Training.Contracts;
using NetworkBuster.Training.Jobs;

namespace NetworkBuster.Training.Tests.Jobs;

/// <summary>The additions to the message: preset options, the recommender trainer, and the bounded search.</summary>
public class JobOptionsParserTests
{
    private static JobParseResult Parse(object message) => JobMessageParser.Parse(JsonSerializer.Serialize(message), "m");

    [Fact]
    public void Parse_PresetsWithoutTrainer_GetTheirMeasuredDefaults()
    {
        Assert.Equal("mf", Parse(new { model = "content-recommender", dataset = "c/a.csv" }).Job!.Trainer);
        Assert.Equal("sdca", Parse(new { model = "sustainability-predictor", dataset = "s/a.csv" }).Job!.Trainer);
        Assert.Equal("fasttree", Parse(new { model = "performance-optimizer", dataset = "p/a.csv" }).Job!.Trainer);
        Assert.Equal("fasttree", Parse(new { model = "visitor-behavior-model", dataset = "v/a.csv" }).Job!.Trainer);
        Assert.Equal(SplitSpec.Time, Parse(new { model = "sustainability-predictor", dataset = "s/a.csv" }).Job!.Split.Kind);
    }

    [Fact]
    public void Parse_HorizonDaysOutOfRange_IsInvalidHyperparameterNamingTheRange()
    {
        var failure = Parse(new { model = "visitor-behavior-model", dataset = "v/a.csv", hyperparameters = new { horizonDays = 0 } }).Failure!;

        Assert.Equal(ErrorCode.InvalidHyperparameter, failure.Code);
        Assert.Contains("'horizonDays'", failure.Message, StringComparison.Ordinal);
        Assert.Contains("from 1 to 365", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_HorizonDaysOnAnotherPreset_IsRejectedWithTheAllowedNames()
    {
        var failure = Parse(new { model = "performance-optimizer", dataset = "p/a.csv", hyperparameters = new { horizonDays = 7 } }).Failure!;

        Assert.Equal(ErrorCode.InvalidHyperparameter, failure.Code);
        Assert.Contains("numberOfTrees", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Search_IsReadWithItsBudget()
    {
        var job = Parse(new { model = "performance-optimizer", dataset = "p/a.csv", search = new { kind = "grid", trials = 4, minutes = 1.5 } }).Job!;

        Assert.Equal(new SearchSpec(SearchSpec.Grid, 4, 1.5), job.Search);
    }

    [Theory]
    [InlineData("""{"kind":"bayes"}""", "'search.kind' must be random or grid")]
    [InlineData("""{"trials":0}""", "'search.trials' must be a whole number from 1 to 100")]
    [InlineData("""{"budget":3}""", "'search' may have the fields kind, trials, minutes, trainers")]
    [InlineData("""{"trainers":["mf"]}""", "'trainer' must be one of fasttree, fastforest, lightgbm, sdca")]
    public void Parse_BadSearch_IsRejectedSayingWhatIsExpected(string search, string expected)
    {
        var text = $$"""{"model":"performance-optimizer","dataset":"p/a.csv","search":{{search}}}""";

        var failure = JobMessageParser.Parse(text, "m").Failure!;

        Assert.Contains(expected, failure.Message, StringComparison.Ordinal);
    }
}
