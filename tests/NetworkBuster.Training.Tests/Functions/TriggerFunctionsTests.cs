using System.Text.Json;
using Azure.Storage.Queues.Models;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using NetworkBuster.Training.Runs;
using NetworkBuster.Training.Scheduling;
using NetworkBuster.Training.Tests.Infrastructure;
using NetworkBuster.Training.Workflow;

namespace NetworkBuster.Training.Tests.Functions;

/// <summary>The Functions app's queue and timer functions, called with the Durable client of a running engine.</summary>
[Trait("Tier", "Integration")]
public class TriggerFunctionsTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private static QueueMessage Message(string text, string id) =>
        QueuesModelFactory.QueueMessage(id, "receipt", BinaryData.FromString(text), dequeueCount: 1);

    [Fact]
    public async Task StartTrainingJob_RedeliveredWhileRunningAndAfterFinishing_StartsTheJobOnce()
    {
        await using var host = await FunctionsTestHost.StartAsync(azurite.ConnectionString);
        var jobId = TestData.Unique("fn-dup");
        var dataset = await TestData.UploadPerformanceAsync(azurite.Storage, rows: 500);
        var text = JsonSerializer.Serialize(new { jobId, model = "performance-optimizer", dataset, hyperparameters = new { numberOfTrees = 10 } });
        var ingest = host.Hold(ActivityNames.Ingest);

        await host.QueueFunctions.StartTrainingJob(Message(text, "m1"), host.Client, CancellationToken.None);
        await ingest.Arrived.WaitAsync(TimeSpan.FromMinutes(1));
        await host.QueueFunctions.StartTrainingJob(Message(text, "m1"), host.Client, CancellationToken.None);
        await host.QueueFunctions.StartTrainingJob(Message(text, "m2"), host.Client, CancellationToken.None);
        ingest.Release();
        await host.WaitForEndAsync(jobId, TimeSpan.FromMinutes(2));
        await host.QueueFunctions.StartTrainingJob(Message(text, "m3"), host.Client, CancellationToken.None);

        var run = (await host.Runs.GetAsync(jobId))!;
        Assert.Equal((RunStatus.Succeeded, 1), (run.Status, run.Attempt));
        Assert.Equal(1, host.Calls(ActivityNames.Ingest));
        Assert.Equal(1, host.Calls(ActivityNames.Register));
        Assert.Equal(OrchestrationRuntimeStatus.Completed, (await host.Client.GetInstanceAsync(jobId))!.RuntimeStatus);
    }

    [Fact]
    public async Task StartTrainingJob_InvalidMessage_RecordsAFailedRunAndStartsNothing()
    {
        await using var host = await FunctionsTestHost.StartAsync(azurite.ConnectionString);
        var jobId = TestData.Unique("fn-bad");

        await host.QueueFunctions.StartTrainingJob(Message(JsonSerializer.Serialize(new { jobId, model = "no-such-model", dataset = "x/y.csv" }), "m"), host.Client, CancellationToken.None);

        var run = (await host.Runs.GetAsync(jobId))!;
        Assert.Equal((RunStatus.Failed, "UnknownModel"), (run.Status, run.ErrorCode));
        Assert.Null(await host.Client.GetInstanceAsync(jobId));
    }

    [Fact]
    public async Task RetrainTimer_FiredTwiceInOneSlot_StartsOneInstanceNamedForTheSlot_AsAttemptOne()
    {
        await using var host = await FunctionsTestHost.StartAsync(azurite.ConnectionString);
        // A row count no other test here uploads: the same content would be skipped as already trained.
        await TestData.UploadPerformanceAsync(azurite.Storage, rows: 650);
        var schedule = RetrainingSchedule.FromConfiguration(new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build())
            .Single(s => s.Preset.Name == "performance-optimizer");
        var slotJobId = schedule.JobIdFor(schedule.LatestSlot(DateTime.UtcNow));

        await host.TimerFunctions.RetrainPerformanceOptimizer(new TimerInfo(), host.Client, CancellationToken.None);
        await host.TimerFunctions.RetrainPerformanceOptimizer(new TimerInfo(), host.Client, CancellationToken.None);

        var ended = await host.WaitForEndAsync(slotJobId, TimeSpan.FromMinutes(2));
        var run = (await host.Runs.GetAsync(slotJobId))!;
        Assert.Equal(slotJobId, ended.InstanceId);
        Assert.Equal((RunStatus.Succeeded, 1, RunTrigger.Timer), (run.Status, run.Attempt, run.Trigger));
        Assert.Equal(1, host.Calls(ActivityNames.Ingest));
    }

    [Fact]
    public async Task ReconcileRuns_ARunLeftRunningByAnEndedInstance_TakesTheInstancesOutcome()
    {
        await using var host = await FunctionsTestHost.StartAsync(azurite.ConnectionString);
        var jobId = TestData.Unique("fn-reconcile");
        var dataset = await TestData.UploadPerformanceAsync(azurite.Storage, rows: 500);
        var train = host.Hold(ActivityNames.Train);
        await host.SubmitAsync(TrainingOrchestratorTests.Job(jobId, dataset));
        await train.Arrived.WaitAsync(TimeSpan.FromMinutes(1));

        await host.Client.TerminateInstanceAsync(jobId, "operator stop");
        await host.WaitForEndAsync(jobId, TimeSpan.FromMinutes(1));
        Assert.Equal(RunStatus.Running, (await host.Runs.GetAsync(jobId))!.Status);
        await host.TimerFunctions.ReconcileRuns(new TimerInfo(), host.Client, CancellationToken.None);

        var run = (await host.Runs.GetAsync(jobId))!;
        Assert.Equal((RunStatus.Cancelled, RunStep.Train), (run.Status, run.Step));
        Assert.Contains("terminated", run.ErrorMessage, StringComparison.Ordinal);
    }
}
