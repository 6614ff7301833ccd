using System.Text;
using NetworkBuster.Training.Contracts;
using NetworkBuster.Training.Jobs;

namespace NetworkBuster.Training.Tests.Jobs;

public class JobMessageParserTests
{
    private const string Valid = """{"jobId":"perf-2025-01-15","model":"performance-optimizer","dataset":"performance-optimizer/2025-01.csv","trainer":"fasttree","hyperparameters":{"numberOfTrees":200,"learningRate":0.1},"priority":"high","timeoutMinutes":45,"promotion":"always"}""";

    [Fact]
    public void Parse_PlainJson_ReadsEveryField()
    {
        var job = JobMessageParser.Parse(Valid, "msg-1").Job!;

        Assert.Equal("perf-2025-01-15", job.JobId);
        Assert.Equal("performance-optimizer", job.Model);
        Assert.Equal("performance-optimizer/2025-01.csv", job.Dataset);
        Assert.Equal("fasttree", job.Trainer);
        Assert.Equal(200, job.Hyperparameters["numberOfTrees"]);
        Assert.Equal(JobPriority.High, job.Priority);
        Assert.Equal(45, job.TimeoutMinutes);
        Assert.Equal(PromotionPolicy.Always, job.Promotion);
    }

    [Fact]
    public void Parse_Base64OfJson_GivesTheSameJob()
    {
        var encoded = Convert.ToBase64String(Encoding.UTF8.GetBytes(Valid));

        Assert.Equal(JobMessageParser.Parse(Valid, "m").Job!.JobId, JobMessageParser.Parse(encoded, "m").Job!.JobId);
    }

    [Fact]
    public void Parse_PropertyNamesInAnyCase_AreAccepted()
    {
        var result = JobMessageParser.Parse("""{"MODEL":"performance-optimizer","DataSet":"performance-optimizer/a.csv"}""", "msg-abc");

        Assert.Null(result.Failure);
        Assert.Equal("msg-abc", result.Job!.JobId);
        Assert.Equal(30, result.Job.TimeoutMinutes);
        Assert.Equal(PromotionPolicy.Auto, result.Job.Promotion);
        Assert.Equal(JobPriority.Normal, result.Job.Priority);
        Assert.Equal("fasttree", result.Job.Trainer);
    }

    [Theory]
    [InlineData("not json at all", ErrorCode.InvalidMessage, "JSON object")]
    [InlineData("{oops", ErrorCode.InvalidMessage, "malformed at byte 2 of line 1")]
    [InlineData("{\"model\":\"performance-optimizer\",", ErrorCode.InvalidMessage, "valid JSON")]
    [InlineData("[1,2]", ErrorCode.InvalidMessage, "but found \"[1,2]\"")]
    [InlineData("""{"model":"performance-optimizer"}""", ErrorCode.InvalidMessage, "'dataset' is required")]
    [InlineData("""{"dataset":"a.csv"}""", ErrorCode.InvalidMessage, "'model' is required")]
    [InlineData("""{"model":"no-such-model","dataset":"a.csv"}""", ErrorCode.UnknownModel, "no-such-model")]
    [InlineData("""{"model":"performance-optimizer","dataset":"../secrets.csv"}""", ErrorCode.InvalidMessage, "'..'")]
    [InlineData("""{"model":"performance-optimizer","dataset":"https://evil.example/x.csv"}""", ErrorCode.InvalidMessage, "URL")]
    [InlineData("""{"model":"performance-optimizer","dataset":"/etc/passwd"}""", ErrorCode.InvalidMessage, "absolute path")]
    [InlineData("""{"model":"performance-optimizer","dataset":"a.csv","jobId":"Bad_Id"}""", ErrorCode.InvalidMessage, "[a-z0-9][a-z0-9-]{0,62}")]
    [InlineData("""{"model":"performance-optimizer","dataset":"a.csv","timeoutMinutes":0}""", ErrorCode.InvalidMessage, "1 to 1440")]
    [InlineData("""{"model":"performance-optimizer","dataset":"a.csv","priority":"urgent"}""", ErrorCode.InvalidMessage, "critical, high, normal, low")]
    [InlineData("""{"model":"performance-optimizer","dataset":"a.csv","trainer":"xgboost"}""", ErrorCode.InvalidHyperparameter, "fasttree, fastforest, lightgbm, sdca")]
    [InlineData("""{"model":"performance-optimizer","dataset":"a.csv","hyperparameters":{"numberOfTrees":0}}""", ErrorCode.InvalidHyperparameter, "from 1 to 5000")]
    [InlineData("""{"model":"performance-optimizer","dataset":"a.csv","hyperparameters":{"depth":3}}""", ErrorCode.InvalidHyperparameter, "numberOfTrees, numberOfLeaves")]
    [InlineData("""{"model":"performance-optimizer","dataset":"a.csv","hyperparameters":{"learningRate":"fast"}}""", ErrorCode.InvalidHyperparameter, "must be a number")]
    [InlineData("""{"model":"performance-optimizer","dataset":"a.csv","colour":"red"}""", ErrorCode.InvalidMessage, "colour")]
    [InlineData("""{"model":"performance-optimizer","dataset":42}""", ErrorCode.InvalidMessage, "'dataset' must be a string")]
    [InlineData("""{"model":"churn","dataset":"a.csv","trainer":"auto","search":{"trials":3},"spec":{"task":"binary","label":"y"}}""", ErrorCode.InvalidMessage, "leave 'search' out, or name a trainer")]
    [InlineData("""{"model":"churn","dataset":"a.csv","trainer":"lightgbm","search":{"trainers":["auto","sdca"]},"spec":{"task":"binary","label":"y"}}""", ErrorCode.InvalidMessage, "found \"auto\", which is itself a comparison")]
    [InlineData("""{"model":"churn","dataset":"a.csv","hyperparameters":{"depth":3},"spec":{"task":"binary","label":"y"}}""", ErrorCode.InvalidHyperparameter, "Trainer 'auto' accepts the hyperparameters numberOfTrees")]
    public void Parse_RuleBroken_FailsWithCodeNamingExpectedAndFound(string text, ErrorCode code, string mention)
    {
        var result = JobMessageParser.Parse(text, "msg-1");

        Assert.Null(result.Job);
        Assert.Equal(code, result.Failure!.Code);
        Assert.Contains(mention, result.Failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_MessageOver64KB_IsRejectedWithItsSize()
    {
        var text = """{"model":"performance-optimizer","dataset":"a.csv","jobId":"x","pad":" """ + new string('x', 70_000) + "\"}";

        var failure = JobMessageParser.Parse(text, "msg-1").Failure!;

        Assert.Equal(ErrorCode.InvalidMessage, failure.Code);
        Assert.Contains("65536 bytes", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_InvalidMessageWithJobId_KeepsTheJobIdForTheRunRow()
    {
        var result = JobMessageParser.Parse("""{"jobId":"my-job","model":"nope","dataset":"a.csv"}""", "msg-1");

        Assert.Equal("my-job", result.JobId);
        Assert.Equal("nope", result.Model);
    }

    [Fact]
    public void Parse_CustomModelWithSpec_IsAccepted()
    {
        var result = JobMessageParser.Parse("""{"model":"churn-custom","dataset":"x/churn.csv","spec":{"task":"binary","label":"Churn","seed":3}}""", "m");

        Assert.Null(result.Failure);
        Assert.Equal(3, result.Job!.Split.Seed);
    }

    [Theory]
    [InlineData("""{"model":"churn","dataset":"a.csv","spec":{"task":"binary","label":"y"}}""", "auto")]
    [InlineData("""{"model":"churn","dataset":"a.csv","hyperparameters":{"numberOfTrees":40},"spec":{"task":"binary","label":"y"}}""", "auto")]
    [InlineData("""{"model":"churn","dataset":"a.csv","search":{"trials":3},"spec":{"task":"binary","label":"y"}}""", "fasttree")]
    [InlineData("""{"model":"ratings","dataset":"a.csv","spec":{"task":"recommendation","label":"rating"}}""", "mf")]
    [InlineData("""{"model":"performance-optimizer","dataset":"a.csv"}""", null)]
    public void Parse_NoTrainerNamed_TakesTheDefault_AutoForSpecsUnlessSearching(string message, string? expected)
    {
        var job = JobMessageParser.Parse(message, "msg-1").Job!;

        Assert.Equal(expected ?? NetworkBuster.Training.Presets.PresetCatalog.PerformanceOptimizer.DefaultTrainer, job.Trainer);
    }

    [Fact]
    public void Parse_PresetWithSpec_IsRejected()
    {
        var failure = JobMessageParser.Parse("""{"model":"performance-optimizer","dataset":"a.csv","spec":{"task":"binary","label":"x"}}""", "m").Failure!;

        Assert.Equal(ErrorCode.InvalidMessage, failure.Code);
    }

    [Theory]
    [InlineData("""{"model":"content-recommender","dataset":"c/a.csv","split":{"kind":"kfold","folds":5,"seed":7}}""")]
    [InlineData("""{"model":"ratings","dataset":"r/a.csv","spec":{"task":"recommendation","label":"rating","split":{"kind":"kfold","folds":5,"seed":7}}}""")]
    public void Parse_KFoldForRecommendations_IsAccepted(string message)
    {
        var result = JobMessageParser.Parse(message, "m");

        Assert.Null(result.Failure);
        Assert.Equal((SplitSpec.KFold, 5, 7), (result.Job!.Split.Kind, result.Job.Split.Folds, result.Job.Split.Seed));
        Assert.Equal("mf", result.Job.Trainer);
    }

    [Theory]
    [InlineData("""{"jobId":"rt-1","model":"performance-optimizer","dataset":"performance-optimizer/a.csv","trainer":"lightgbm","hyperparameters":{"numberOfTrees":50},"priority":"high","timeoutMinutes":7,"promotion":"never","split":{"kind":"random","test":0.25,"validation":0.15,"seed":9},"search":{"kind":"grid","trials":4,"minutes":2,"trainers":["lightgbm","fasttree"]}}""")]
    [InlineData("""{"jobId":"rt-2","model":"churn-custom","dataset":"x/churn.csv","spec":{"task":"binary","label":"Churn","seed":3},"split":{"kind":"kfold","folds":4}}""")]
    [InlineData("""{"jobId":"rt-3","model":"performance-optimizer","dataset":"performance-optimizer/a.csv","split":{"kind":"files","test":"performance-optimizer/test.csv"}}""")]
    public void Writer_RoundTripsEveryField(string message)
    {
        var job = JobMessageParser.Parse(message, "m").Job!;

        var again = JobMessageParser.Parse(JobMessageWriter.ToJson(job), "other").Job!;

        Assert.Equal(
            (job.JobId, job.Model, job.Dataset, job.Trainer, job.Priority, job.TimeoutMinutes, job.Promotion, job.Split, job.Spec?.GetRawText()),
            (again.JobId, again.Model, again.Dataset, again.Trainer, again.Priority, again.TimeoutMinutes, again.Promotion, again.Split, again.Spec?.GetRawText()));
        Assert.Equal(job.Hyperparameters.OrderBy(h => h.Key), again.Hyperparameters.OrderBy(h => h.Key));
        Assert.Equal((job.Search?.Kind, job.Search?.Trials, job.Search?.Minutes), (again.Search?.Kind, again.Search?.Trials, again.Search?.Minutes));
        Assert.Equal(job.Search?.Trainers ?? [], again.Search?.Trainers ?? []);
        Assert.Equal(JobMessageWriter.ToJson(job), JobMessageWriter.ToJson(again));
    }
}
