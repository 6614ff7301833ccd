using System.Text.Json;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using NetworkBuster.Training.Runs;
using NetworkBuster.Training.Tests.Infrastructure;

namespace NetworkBuster.Training.Tests.Hosting;

/// <summary>The local host's upkeep of its task hub, on the real engine.</summary>
[Trait("Tier", "Integration")]
public class EngineMaintenanceTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    [Fact]
    public async Task CompletedInstancesOlderThanTheRetention_ArePurged_AndTheRunRowStays()
    {
        var dataset = await TestData.UploadPerformanceAsync(azurite.Storage, rows: 500);
        var jobId = TestData.Unique("purge");
        using var host = await Pipeline.StartHostAsync(azurite.ConnectionString, new Dictionary<string, string?>
        {
            ["Training:Host:HistoryRetention"] = "00:00:01",
            ["Training:Host:MaintenanceInterval"] = "00:00:02",
        });
        var client = host.Services.GetRequiredService<DurableTaskClient>();

        await azurite.Storage.JobsQueue.SendMessageAsync(JsonSerializer.Serialize(new { jobId, model = "performance-optimizer", dataset, hyperparameters = new { numberOfTrees = 10 } }));
        var run = await new RunStore(azurite.Storage).WaitAsync(jobId, TimeSpan.FromMinutes(2));
        Assert.Equal(RunStatus.Succeeded, run.Status);

        await Eventually.HoldsAsync(async () => await client.GetInstanceAsync(jobId) is null, TimeSpan.FromSeconds(30), "the completed instance to be purged");

        Assert.Equal(RunStatus.Succeeded, (await new RunStore(azurite.Storage).GetAsync(jobId))!.Status);
    }
}
