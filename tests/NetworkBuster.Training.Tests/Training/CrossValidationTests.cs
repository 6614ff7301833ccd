using System.Text.Json;
using NetworkBuster.Training.Cli.Samples;
using NetworkBuster.Training.Contracts;
using NetworkBuster.Training.Jobs;
using NetworkBuster.Training.Registry;
using NetworkBuster.Training.Runs;
using NetworkBuster.Training.Tests.Infrastructure;

namespace NetworkBuster.Training.Tests.Training;

/// <summary>The contract's kfold split: cross-validated metrics as mean and spread, then a final fit on all rows.</summary>
[Trait("Tier", "Integration")]
public class CrossValidationTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    [Fact]
    public async Task KFoldJob_RecordsMeanAndSpreadOverTheFolds_AndFitsOnAllRows()
    {
        var dataset = await TestData.UploadPerformanceAsync(azurite.Storage, rows: 1500);
        var (jobId, model) = (TestData.Unique("kfold"), TestData.Unique("kfold-model"));
        using var host = await Pipeline.StartHostAsync(azurite.ConnectionString);

        await azurite.Storage.JobsQueue.SendMessageAsync(JsonSerializer.Serialize(new
        {
            jobId,
            model,
            dataset,
            trainer = "fasttree",
            hyperparameters = new { numberOfTrees = 40 },
            spec = new { task = "regression", label = "response_time_ms" },
            split = new { kind = "kfold", folds = 4 },
        }));
        var run = await new RunStore(azurite.Storage).WaitAsync(jobId, TimeSpan.FromMinutes(3));

        Assert.True(run.Status == RunStatus.Succeeded, $"{run.ErrorCode}: {run.ErrorMessage}");
        var row = (await new ModelRegistry(azurite.Storage).GetAsync(model, run.Version!.Value))!;
        var metrics = JsonSerializer.Deserialize<Dictionary<string, double>>(row.Metrics!)!;
        Assert.Equal(4, metrics["Folds"]);
        Assert.InRange(metrics["RMSE"], 8, 30);
        Assert.InRange(metrics["RMSE.sd"], 0.0001, 5);
        Assert.Equal(metrics["RMSE"], row.PrimaryMetricValue!.Value, 6);
        Assert.Equal((1500L, 0L, 0L), (row.TrainRows, row.ValidationRows, row.TestRows));
    }

    [Fact]
    public async Task KFoldJob_ContentRecommender_RecordsMeanAndSpreadAndBeatsTheBiasesOnlyModel()
    {
        var dataset = await JobRunner.UploadAsync(azurite, "content-recommender", RecommenderSampleData.ToStream(RatingsShape.Small, seed: 5));
        var jobId = TestData.Unique("rec-kfold");
        using var host = await Pipeline.StartHostAsync(azurite.ConnectionString);

        var row = await JobRunner.RunAsync(azurite, "content-recommender", new { jobId, model = "content-recommender", dataset, split = new { kind = "kfold", folds = 5 } }, jobId);

        var metrics = JobRunner.Metrics(row);
        Assert.Equal(5, metrics["Folds"]);
        Assert.InRange(metrics["RMSE.sd"], 0.0001, 0.1);
        Assert.True(metrics["RMSE"] < metrics["RMSE.biases"] - 0.015, $"RMSE {metrics["RMSE"]} vs biases only {metrics["RMSE.biases"]}");
        Assert.True(metrics["NDCG@10"] > metrics["NDCG@10.popularity"], $"NDCG@10 {metrics["NDCG@10"]} vs popularity {metrics["NDCG@10.popularity"]}");
        Assert.Equal(metrics["RMSE"], row.PrimaryMetricValue!.Value, 6);
        Assert.Equal((0L, 0L), (row.ValidationRows, row.TestRows));
        Assert.Equal(metrics["RMSE.biases"], JobRunner.Baselines(row)["RMSE.biases"]);
        Assert.Contains("popularityWeight", row.Hyperparameters, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"model":"sustainability-predictor","dataset":"s/a.csv","split":{"kind":"kfold","folds":5}}""", "time series")]
    [InlineData("""{"model":"performance-optimizer","dataset":"p/a.csv","split":{"kind":"kfold","folds":5},"search":{"kind":"random","trials":3}}""", "validation split")]
    [InlineData("""{"model":"performance-optimizer","dataset":"p/a.csv","split":{"kind":"kfold","folds":1}}""", "from 2 to 20")]
    public void Parse_KFoldWhereItCannotBeHonest_IsInvalid(string message, string mention)
    {
        var failure = JobMessageParser.Parse(message, "m").Failure!;

        Assert.Equal(ErrorCode.InvalidMessage, failure.Code);
        Assert.Contains(mention, failure.Message, StringComparison.Ordinal);
    }
}
