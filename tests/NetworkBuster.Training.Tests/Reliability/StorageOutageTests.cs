using System.Text.Json;
using NetworkBuster.Training.Cli.Local;
using NetworkBuster.Training.Registry;
using NetworkBuster.Training.Runs;
using NetworkBuster.Training.Storage;
using NetworkBuster.Training.Tests.Infrastructure;

namespace NetworkBuster.Training.Tests.Reliability;

/// <summary>Storage (a real Azurite, with its data on disk) stopped for 30 s in the middle of a run.</summary>
[Trait("Tier", "Integration")]
public class StorageOutageTests
{
    [Fact]
    public async Task AzuriteDownThirtySecondsMidRun_HostKeepsRunning_AndTheJobCompletes()
    {
        var folder = Path.Combine(Path.GetTempPath(), TestData.Unique("azurite-outage"));
        await using var azurite = await AzuriteServer.StartRestartableAsync(folder);
        var storage = StorageClients.FromConnectionString(azurite.ConnectionString);
        await storage.EnsureCreatedAsync();
        var dataset = await TestData.UploadPerformanceAsync(storage, rows: 40_000);
        var runs = new RunStore(storage);
        var jobId = TestData.Unique("outage");
        using var host = await Pipeline.StartHostAsync(azurite.ConnectionString);
        await storage.JobsQueue.SendMessageAsync(JsonSerializer.Serialize(new { jobId, model = "performance-optimizer", dataset, trainer = "fasttree", hyperparameters = new { numberOfTrees = 400, numberOfLeaves = 64, earlyStoppingRounds = 0 } }));
        await Eventually.HoldsAsync(async () => (await runs.GetAsync(jobId))?.Step == RunStep.Train, TimeSpan.FromMinutes(2), "the job to reach train");

        await azurite.StopAsync();
        await Task.Delay(TimeSpan.FromSeconds(30));
        await azurite.StartAgainAsync();
        var run = await runs.WaitAsync(jobId, TimeSpan.FromMinutes(4));

        Assert.True(run.Status == RunStatus.Succeeded, $"{run.Status}: {run.ErrorCode} {run.ErrorMessage}");
        Assert.Single(await new ModelRegistry(storage).ListAsync("performance-optimizer"), r => r.JobId == jobId);

        // The host survived and still serves.
        var next = TestData.Unique("after-outage");
        await storage.JobsQueue.SendMessageAsync(JsonSerializer.Serialize(new { jobId = next, model = "performance-optimizer", dataset, hyperparameters = new { numberOfTrees = 20 } }));
        Assert.Equal(RunStatus.Succeeded, (await runs.WaitAsync(next, TimeSpan.FromMinutes(3))).Status);
        Directory.Delete(folder, recursive: true);
    }
}
