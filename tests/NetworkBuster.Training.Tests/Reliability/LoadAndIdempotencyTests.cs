using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using NetworkBuster.Training.Contracts;
using NetworkBuster.Training.Orchestration;
using NetworkBuster.Training.Registry;
using NetworkBuster.Training.Runs;
using NetworkBuster.Training.Tests.Infrastructure;

namespace NetworkBuster.Training.Tests.Reliability;

[Trait("Tier", "Integration")]
public class LoadAndIdempotencyTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private RunStore Runs => new(azurite.Storage);

    [Fact]
    public async Task SameMessageDeliveredFiveTimesAtOnce_RegistersOneVersion()
    {
        var dataset = await TestData.UploadPerformanceAsync(azurite.Storage, rows: 5000);
        var jobId = TestData.Unique("five");
        var message = JsonSerializer.Serialize(new { jobId, model = "performance-optimizer", dataset, hyperparameters = new { numberOfTrees = 100 } });
        for (int i = 0; i < 5; i++)
        {
            await azurite.Storage.JobsQueue.SendMessageAsync(message);
        }

        using var host = await Pipeline.StartHostAsync(azurite.ConnectionString, new Dictionary<string, string?> { ["Training:Host:MaxConcurrentJobs"] = "3" });
        await Runs.WaitAsync(jobId, TimeSpan.FromMinutes(3));
        await QueueAssertions.WaitForEmptyAsync(azurite.Storage.JobsQueue);

        Assert.Single(await new ModelRegistry(azurite.Storage).ListAsync("performance-optimizer"), r => r.JobId == jobId);
        Assert.Equal(RunStatus.Succeeded, (await Runs.GetAsync(jobId))!.Status);
    }

    [Fact]
    public async Task HundredJobsAtOnce_AllSucceed_WithBoundedConcurrencyAndConsistentVersions()
    {
        const int jobs = 100;
        const int slots = 3;
        var model = "performance-optimizer";
        var dataset = await TestData.UploadPerformanceAsync(azurite.Storage, rows: 400);
        var prefix = TestData.Unique("load");
        var before = (await new ModelRegistry(azurite.Storage).ListAsync(model)).Count;
        await Task.WhenAll(Enumerable.Range(0, jobs).Select(i => azurite.Storage.JobsQueue.SendMessageAsync(
            JsonSerializer.Serialize(new { jobId = $"{prefix}-{i}", model, dataset, promotion = "always", hyperparameters = new { numberOfTrees = 5, minimumExampleCountPerLeaf = 2 } }))));

        using var host = await Pipeline.StartHostAsync(azurite.ConnectionString, new Dictionary<string, string?> { ["Training:Host:MaxConcurrentJobs"] = slots.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        var rows = new List<TrainingRunRow>();
        for (int i = 0; i < jobs; i++)
        {
            rows.Add(await Runs.WaitAsync($"{prefix}-{i}", TimeSpan.FromMinutes(8)));
        }

        Assert.All(rows, r => Assert.Equal(RunStatus.Succeeded, r.Status));
        var versions = (await new ModelRegistry(azurite.Storage).ListAsync(model)).Where(r => r.JobId!.StartsWith(prefix, StringComparison.Ordinal)).Select(r => r.Version).Order().ToList();
        Assert.Equal(jobs, versions.Count);
        Assert.Equal(jobs, versions.Distinct().Count());
        Assert.Equal(before + jobs, versions[^1]);
        Assert.Single(await new ModelRegistry(azurite.Storage).ListAsync(model), r => r.IsCurrent);

        // All 100 instances run on the engine at once; their CPU-heavy steps (ingest, train, evaluate) share the slots.
        int peak = host.Services.GetRequiredService<StepSlots>().Peak;
        Assert.InRange(peak, 1, slots);
    }

    [Fact]
    public async Task StepPastTheJobsDeadline_StopsAndReportsTimeout_InsteadOfRunningOn()
    {
        // What an abandoned step does once the orchestration's timer has fired: it reads the same deadline.
        var dataset = await TestData.UploadPerformanceAsync(azurite.Storage, rows: 2000);
        using var services = Pipeline.Services(azurite.ConnectionString);
        var job = NetworkBuster.Training.Jobs.JobMessageParser.Parse(JsonSerializer.Serialize(new { jobId = TestData.Unique("late"), model = "performance-optimizer", dataset, timeoutMinutes = 1 }), "m").Job!;
        var activities = services.GetRequiredService<NetworkBuster.Training.Workflow.TrainingActivities>();

        var result = await activities.IngestAsync(new IngestInput(job) { Deadline = DateTimeOffset.UtcNow.AddSeconds(-1) });

        Assert.Equal(Contracts.ErrorCode.Timeout, result.Failure!.Code);
        Assert.Contains("timeoutMinutes=1", result.Failure.Message, StringComparison.Ordinal);
    }
}
