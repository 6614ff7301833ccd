using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using NetworkBuster.Training.Admissions;
using NetworkBuster.Training.Registry;
using NetworkBuster.Training.Runs;
using NetworkBuster.Training.Cli.Samples;
using NetworkBuster.Training.Tests.Infrastructure;

namespace NetworkBuster.Training.Tests.Hosting;

/// <summary>The local host against a real Azurite: messages in, run rows, registry rows and model blobs out.</summary>
[Trait("Tier", "Integration")]
public class LocalHostEndToEndTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(3);

    private RunStore Runs => new(azurite.Storage);

    private static string Message(string jobId, string dataset, string model = "performance-optimizer") =>
        JsonSerializer.Serialize(new { jobId, model, dataset, hyperparameters = new { numberOfTrees = 60 } });

    [Fact]
    public async Task PlainJsonMessage_SucceedsWithRegistryRowAndVerifiedModelBlob()
    {
        var dataset = await TestData.UploadPerformanceAsync(azurite.Storage, rows: 3000);
        var jobId = TestData.Unique("plain");
        using var host = await Pipeline.StartHostAsync(azurite.ConnectionString);

        await azurite.Storage.JobsQueue.SendMessageAsync(Message(jobId, dataset));
        var run = await Runs.WaitAsync(jobId, RunTimeout);

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal((RunStep.Register, 100, RunTrigger.Queue), (run.Step, run.Progress, run.Trigger));
        Assert.NotNull(run.StartedAt);
        Assert.NotNull(run.CompletedAt);
        Assert.Equal("RMSE", run.PrimaryMetric);
        var entity = (await azurite.Storage.Registry.GetEntityAsync<TableEntity>("performance-optimizer", ModelVersionRow.KeyOf(run.Version!.Value))).Value;
        string[] contractColumns =
        [
            "Version", "Status", "IsCurrent", "Trainer", "Hyperparameters", "Metrics", "PrimaryMetric", "PrimaryMetricValue",
            "DatasetBlob", "DatasetSha256", "TrainRows", "ValidationRows", "TestRows", "ModelBlob", "ModelSha256", "ModelBytes",
            "JobId", "TrainingSeconds", "CreatedAt", "PromotedAt",
        ];
        var missingColumns = contractColumns.Where(c => !entity.ContainsKey(c)).ToList();
        Assert.True(missingColumns.Count == 0, "Missing registry columns: " + string.Join(", ", missingColumns));
        Assert.Equal(jobId, entity.GetString("JobId"));
        Assert.Equal(3000, entity.GetInt64("TrainRows") + entity.GetInt64("ValidationRows") + entity.GetInt64("TestRows"));
        var metrics = JsonSerializer.Deserialize<Dictionary<string, double>>(entity.GetString("Metrics"))!;
        Assert.True(metrics["RMSE"] < 2 * PerformanceSampleData.NoiseMs, $"RMSE {metrics["RMSE"]} should be near the noise {PerformanceSampleData.NoiseMs}");
        Assert.True(metrics["R2"] > 0.9, $"R2 {metrics["R2"]}");
        // The job's numberOfTrees is the cap early stopping chooses under, and both are recorded.
        var hyperparameters = JsonSerializer.Deserialize<Dictionary<string, double>>(entity.GetString("Hyperparameters"))!;
        Assert.Equal(60, hyperparameters["maximumNumberOfTrees"]);
        Assert.InRange(hyperparameters["numberOfTrees"], 1, 60);

        var blob = (await azurite.Storage.Models.GetBlobClient(entity.GetString("ModelBlob")).DownloadContentAsync()).Value.Content.ToArray();
        Assert.Equal(entity.GetString("ModelSha256"), Convert.ToHexStringLower(SHA256.HashData(blob)));
        Assert.Equal(blob.Length, entity.GetInt64("ModelBytes"));
        var metadata = await azurite.Storage.Models.GetBlobClient(ModelVersionRow.MetadataBlobOf("performance-optimizer", run.Version.Value)).DownloadContentAsync();
        Assert.Contains(jobId, metadata.Value.Content.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Base64Message_IsProcessedLikePlainJson()
    {
        var dataset = await TestData.UploadPerformanceAsync(azurite.Storage, rows: 800);
        var jobId = TestData.Unique("b64");
        using var host = await Pipeline.StartHostAsync(azurite.ConnectionString);

        await azurite.Storage.JobsQueue.SendMessageAsync(Convert.ToBase64String(Encoding.UTF8.GetBytes(Message(jobId, dataset))));

        Assert.Equal(RunStatus.Succeeded, (await Runs.WaitAsync(jobId, RunTimeout)).Status);
    }

    [Fact]
    public async Task InvalidMessages_FailWithContractCodes_AndTheHostKeepsServing()
    {
        var wrongHeader = await TestData.UploadTextAsync(azurite.Storage, "time,endpoint,response_time_ms\n2025-01-01,/a,1\n");
        var dataset = await TestData.UploadPerformanceAsync(azurite.Storage, rows: 800);
        using var host = await Pipeline.StartHostAsync(azurite.ConnectionString);

        var notJson = await azurite.Storage.JobsQueue.SendMessageAsync("this is not json");
        var (unknownModel, missingDataset, badHeader, good) = (TestData.Unique("unknown"), TestData.Unique("missing"), TestData.Unique("header"), TestData.Unique("good"));
        await azurite.Storage.JobsQueue.SendMessageAsync(Message(unknownModel, dataset, model: "nonexistent-model"));
        await azurite.Storage.JobsQueue.SendMessageAsync(Message(missingDataset, "performance-optimizer/nope.csv"));
        await azurite.Storage.JobsQueue.SendMessageAsync(Message(badHeader, wrongHeader));
        await azurite.Storage.JobsQueue.SendMessageAsync(Message(good, dataset));

        var invalid = await Runs.WaitAsync(JobAdmission.FallbackJobId(notJson.Value.MessageId), RunTimeout);
        Assert.Equal((RunStatus.Failed, "InvalidMessage"), (invalid.Status, invalid.ErrorCode));
        Assert.Contains("this is not json", invalid.ErrorMessage, StringComparison.Ordinal);
        var unknown = await Runs.WaitAsync(unknownModel, RunTimeout);
        Assert.Equal((RunStatus.Failed, "UnknownModel"), (unknown.Status, unknown.ErrorCode));
        var missing = await Runs.WaitAsync(missingDataset, RunTimeout);
        Assert.Equal((RunStatus.Failed, "DatasetNotFound", RunStep.Ingest), (missing.Status, missing.ErrorCode, missing.Step));
        var header = await Runs.WaitAsync(badHeader, RunTimeout);
        Assert.Equal((RunStatus.Failed, "SchemaMismatch"), (header.Status, header.ErrorCode));
        Assert.Contains("missing: timestamp, error_rate, throughput_rps, cache_hit_rate; unexpected: time", header.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal(RunStatus.Succeeded, (await Runs.WaitAsync(good, RunTimeout)).Status);
        await QueueAssertions.WaitForEmptyAsync(azurite.Storage.JobsQueue);
    }

    [Fact]
    public async Task SameJobIdDeliveredTwice_RegistersOneVersion()
    {
        var dataset = await TestData.UploadPerformanceAsync(azurite.Storage, rows: 800);
        var jobId = TestData.Unique("twice");
        using var host = await Pipeline.StartHostAsync(azurite.ConnectionString);

        await azurite.Storage.JobsQueue.SendMessageAsync(Message(jobId, dataset));
        await Runs.WaitAsync(jobId, RunTimeout);
        await azurite.Storage.JobsQueue.SendMessageAsync(Message(jobId, dataset));
        await QueueAssertions.WaitForEmptyAsync(azurite.Storage.JobsQueue);

        var versions = (await new ModelRegistry(azurite.Storage).ListAsync("performance-optimizer")).Where(r => r.JobId == jobId).ToList();
        Assert.Single(versions);
        Assert.Equal(1, (await Runs.GetAsync(jobId))!.Attempt);
    }

    [Fact]
    public async Task SecondJobOnTheSameData_IsComparedWithTheCurrentVersionOnTheSameTestRows()
    {
        var model = "performance-optimizer";
        var dataset = await TestData.UploadPerformanceAsync(azurite.Storage, rows: 1500);
        using var host = await Pipeline.StartHostAsync(azurite.ConnectionString);
        var (first, second) = (TestData.Unique("gate-a"), TestData.Unique("gate-b"));

        await azurite.Storage.JobsQueue.SendMessageAsync(JsonSerializer.Serialize(new { jobId = first, model, dataset, promotion = "always" }));
        var firstRun = await Runs.WaitAsync(first, RunTimeout);
        await azurite.Storage.JobsQueue.SendMessageAsync(JsonSerializer.Serialize(new { jobId = second, model, dataset }));
        var secondRun = await Runs.WaitAsync(second, RunTimeout);

        var registry = new ModelRegistry(azurite.Storage);
        var candidate = (await registry.GetAsync(model, secondRun.Version!.Value))!;
        Assert.Equal(firstRun.Version, candidate.BaselineVersion);
        Assert.Equal(firstRun.PrimaryMetricValue!.Value, candidate.BaselineMetricValue!.Value, 6);
        Assert.Equal(VersionStatus.Rejected, candidate.Status);
        Assert.Contains("does not beat", candidate.StatusReason, StringComparison.Ordinal);
        var current = (await registry.ListAsync(model)).Where(r => r.IsCurrent).ToList();
        Assert.Equal(firstRun.Version, Assert.Single(current).Version);
    }

    [Fact]
    public async Task MessageDequeuedMoreThanThreeTimes_MovesToPoisonAndIsRecordedFailed()
    {
        var jobId = TestData.Unique("poison");
        await azurite.Storage.JobsQueue.SendMessageAsync(Message(jobId, "performance-optimizer/x.csv"));
        for (int i = 0; i < 3; i++)
        {
            // Three deliveries that never completed, as three crashed hosts would leave them.
            var received = await azurite.Storage.JobsQueue.ReceiveMessageAsync(TimeSpan.FromSeconds(1));
            Assert.NotNull(received.Value);
            await Task.Delay(TimeSpan.FromSeconds(1.2));
        }

        using var host = await Pipeline.StartHostAsync(azurite.ConnectionString);
        var run = await Runs.WaitAsync(jobId, RunTimeout);

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Contains("ai-training-jobs-poison", run.ErrorMessage, StringComparison.Ordinal);
        var poisoned = await azurite.Storage.PoisonQueue.PeekMessagesAsync(32);
        Assert.Contains(poisoned.Value, m => m.Body.ToString().Contains(jobId, StringComparison.Ordinal));
    }
}
