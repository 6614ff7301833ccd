using System.Text.Json;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using NetworkBuster.Training.Admissions;
using NetworkBuster.Training.Contracts;
using NetworkBuster.Training.Jobs;
using NetworkBuster.Training.Orchestration;
using NetworkBuster.Training.Registry;
using NetworkBuster.Training.Runs;
using NetworkBuster.Training.Cli.Samples;
using NetworkBuster.Training.Tests.Infrastructure;
using NetworkBuster.Training.Workflow;

namespace NetworkBuster.Training.Tests.Functions;

/// <summary>
/// The Functions app's <c>TrainingOrchestrator</c> and activity functions on the Durable Task engine
/// (<c>DurableTaskTestHost</c>), with real storage (Azurite) and real training.
/// </summary>
[Trait("Tier", "Integration")]
public class TrainingOrchestratorTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(2);

    internal static TrainingJob Job(string jobId, string dataset, int timeoutMinutes = 30) =>
        JobMessageParser.Parse(JsonSerializer.Serialize(new { jobId, model = "performance-optimizer", dataset, timeoutMinutes, hyperparameters = new { numberOfTrees = 20 } }), "m").Job!;

    [Fact]
    public async Task PresetJob_RunsEveryStepOnce_ReportsCustomStatusAtEachStep_AndRegistersOneVersion()
    {
        await using var host = await FunctionsTestHost.StartAsync(azurite.ConnectionString);
        var dataset = await TestData.UploadPerformanceAsync(azurite.Storage, rows: 1500);
        var jobId = TestData.Unique("fn-happy");
        var steps = new[] { (ActivityNames.Ingest, RunStep.Ingest, 5), (ActivityNames.Train, RunStep.Train, 30), (ActivityNames.Evaluate, RunStep.Evaluate, 70), (ActivityNames.Register, RunStep.Register, 90) };
        var gates = steps.Select(s => host.Hold(s.Item1)).ToArray();

        Assert.Equal(StartDecision.Schedule, await host.SubmitAsync(Job(jobId, dataset)));
        for (int i = 0; i < steps.Length; i++)
        {
            await gates[i].Arrived.WaitAsync(RunTimeout);
            var instance = await host.Client.GetInstanceAsync(jobId, getInputsAndOutputs: true);
            Assert.Equal(new TrainingStatus(steps[i].Item2, steps[i].Item3, RunStatus.Running), instance!.ReadCustomStatusAs<TrainingStatus>());
            Assert.Equal(OrchestrationRuntimeStatus.Running, instance.RuntimeStatus);
            Assert.Equal((RunStatus.Running, steps[i].Item2), await RowStateAsync(host, jobId, steps[i].Item2));
            gates[i].Release();
        }

        var ended = await host.WaitForEndAsync(jobId, RunTimeout);
        var result = ended.ReadOutputAs<WorkflowResult>()!;
        var run = (await host.Runs.GetAsync(jobId))!;
        Assert.Equal((OrchestrationRuntimeStatus.Completed, RunStatus.Succeeded), (ended.RuntimeStatus, result.Status));
        Assert.Equal(new TrainingStatus(RunStep.Register, 100, RunStatus.Succeeded), ended.ReadCustomStatusAs<TrainingStatus>());
        Assert.Equal((RunStatus.Succeeded, 100, 1, result.Version), (run.Status, run.Progress, run.Attempt, run.Version));
        var version = Assert.Single(await new ModelRegistry(azurite.Storage).ListAsync("performance-optimizer"), r => r.JobId == jobId);
        Assert.Equal((result.Version, jobId), (version.Version, version.InstanceId));

        // Replay safety: every activity completion replays the orchestrator from its history; a non-deterministic
        // orchestrator would schedule different calls on replay. Each step ran exactly once across those replays.
        Assert.All(steps, s => Assert.Equal(1, host.Calls(s.Item1)));
        Assert.Equal(5, host.Calls(ActivityNames.RecordRun));
        Assert.Equal(1, host.Calls(ActivityNames.Explain));
        Assert.Equal(InsightsState.Ready, run.Insights);
        Assert.True(host.OrchestratorEpisodes >= 10, $"expected the orchestrator to replay on each of its 9 activity completions, saw {host.OrchestratorEpisodes} episodes");
        Assert.Equal(0, host.Calls(ActivityNames.Cleanup));
    }

    [Fact]
    public async Task PermanentFailure_BadHeader_IsNotRetried_CleansUp_AndRecordsSchemaMismatch()
    {
        await using var host = await FunctionsTestHost.StartAsync(azurite.ConnectionString);
        var lines = TestData.PerformanceLines(200);
        var dataset = await TestData.UploadTextAsync(azurite.Storage, string.Join("\n", ["timestamp,endpoint,latency_ms,error_rate,throughput_rps,cache_hit_rate", .. lines.Skip(1)]));
        var jobId = TestData.Unique("fn-header");

        await host.SubmitAsync(Job(jobId, dataset));
        var ended = await host.WaitForEndAsync(jobId, RunTimeout);

        var run = (await host.Runs.GetAsync(jobId))!;
        Assert.Equal(OrchestrationRuntimeStatus.Completed, ended.RuntimeStatus);
        Assert.Equal((RunStatus.Failed, RunStep.Ingest, nameof(ErrorCode.SchemaMismatch)), (run.Status, run.Step, run.ErrorCode));
        Assert.Contains(PerformanceSampleData.Header, run.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains("latency_ms", run.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal((1, 0, 1), (host.Calls(ActivityNames.Ingest), host.Calls(ActivityNames.Train), host.Calls(ActivityNames.Cleanup)));
        await foreach (var blob in azurite.Storage.Staging.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, jobId + "/", CancellationToken.None))
        {
            Assert.Fail($"staging kept {blob.Name}");
        }
    }

    [Fact]
    public async Task Timeout_TheDurableTimerRecordsTimeoutAtTheDeadline_AndTheInstanceCompletesWhenTheStepReturns()
    {
        await using var host = await FunctionsTestHost.StartAsync(azurite.ConnectionString);
        var dataset = await TestData.UploadPerformanceAsync(azurite.Storage, rows: 500);
        var jobId = TestData.Unique("fn-timeout");
        var train = host.Hold(ActivityNames.Train);

        await host.SubmitAsync(Job(jobId, dataset, timeoutMinutes: 1));
        await train.Arrived.WaitAsync(RunTimeout);
        var run = await host.Runs.WaitAsync(jobId, TimeSpan.FromSeconds(90));

        Assert.Equal((RunStatus.Failed, RunStep.Train, nameof(ErrorCode.Timeout)), (run.Status, run.Step, run.ErrorCode));
        Assert.Contains("timeoutMinutes=1", run.ErrorMessage, StringComparison.Ordinal);

        // Durable Task does not complete an instance while a task it scheduled is outstanding: the abandoned step
        // holds it Running until it returns (which is why long steps read the job's deadline themselves).
        Assert.Equal(OrchestrationRuntimeStatus.Running, (await host.Client.GetInstanceAsync(jobId))!.RuntimeStatus);
        train.Release();
        var ended = await host.WaitForEndAsync(jobId, RunTimeout);
        Assert.Equal((OrchestrationRuntimeStatus.Completed, RunStatus.Failed), (ended.RuntimeStatus, ended.ReadOutputAs<WorkflowResult>()!.Status));
        Assert.Equal(0, host.Calls(ActivityNames.Evaluate));
        Assert.Equal(RunStatus.Failed, (await host.Runs.GetAsync(jobId))!.Status);
        await foreach (var blob in azurite.Storage.Staging.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, jobId + "/", CancellationToken.None))
        {
            Assert.Fail($"staging kept {blob.Name} after the timed-out step returned");
        }
    }

    [Fact]
    public async Task Register_RunTwiceAtOnceAndAgainByTheOrchestrator_TakesOneVersionNumber()
    {
        await using var host = await FunctionsTestHost.StartAsync(azurite.ConnectionString);
        var dataset = await TestData.UploadPerformanceAsync(azurite.Storage, rows: 700);
        var jobId = TestData.Unique("fn-register");
        var register = host.Hold(ActivityNames.Register);
        await host.SubmitAsync(Job(jobId, dataset));
        await register.Arrived.WaitAsync(RunTimeout);
        var input = host.Input<RegisterInput>(ActivityNames.Register);
        var activities = host.Services.GetRequiredService<TrainingActivities>();

        // Durable runs activities at least once: two more executions of the same Register, at the same time.
        async Task<int> RegisterWithRetriesAsync()
        {
            for (int attempt = 0; ; attempt++)
            {
                try
                {
                    return (await activities.RegisterAsync(input)).Value!.Version;
                }
                catch (RegistrationInProgressException) when (attempt < 50)
                {
                    await Task.Delay(100);
                }
            }
        }

        var versions = await Task.WhenAll(RegisterWithRetriesAsync(), RegisterWithRetriesAsync());
        register.Release();
        var ended = await host.WaitForEndAsync(jobId, RunTimeout);

        var rows = (await new ModelRegistry(azurite.Storage).ListAsync("performance-optimizer")).Where(r => r.JobId == jobId).ToList();
        var version = Assert.Single(rows).Version;
        Assert.Equal([version, version, version], [.. versions, ended.ReadOutputAs<WorkflowResult>()!.Version!.Value]);
    }

    [Fact]
    public async Task Explain_RunsAfterTheVersionIsCurrent_AndItsFailureLeavesTheRunSucceededAndTheVersionCurrent()
    {
        await using var host = await FunctionsTestHost.StartAsync(azurite.ConnectionString);
        var dataset = await TestData.UploadPerformanceAsync(azurite.Storage, rows: 900, seed: 5);
        var jobId = TestData.Unique("fn-explain");
        var explain = host.Hold(ActivityNames.Explain);
        var job = JobMessageParser.Parse(JsonSerializer.Serialize(new { jobId, model = "performance-optimizer", dataset, promotion = "always", hyperparameters = new { numberOfTrees = 20 } }), "m").Job!;

        await host.SubmitAsync(job);
        await explain.Arrived.WaitAsync(RunTimeout);

        // At explain's entry the run has succeeded and its version is current, without a report.
        var run = (await host.Runs.GetAsync(jobId))!;
        Assert.Equal((RunStatus.Succeeded, 100, InsightsState.Pending), (run.Status, run.Progress, run.Insights));
        var registry = new ModelRegistry(azurite.Storage);
        Assert.Equal(run.Version, (await registry.GetCurrentAsync("performance-optimizer"))!.Version);
        Assert.False(await azurite.Storage.Models.GetBlobClient(ModelVersionRow.ReportBlobOf("performance-optimizer", run.Version!.Value)).ExistsAsync());
        var input = host.Input<ExplainInput>(ActivityNames.Explain);
        Assert.Equal((run.Version.Value, true), (input.Registered.Version, input.Registered.IsCurrent));

        // Its snapshot vanishes before it starts (a cleanup, a lifecycle rule): explain fails, the rest stands.
        await azurite.Storage.Staging.DeleteBlobAsync($"{input.Ingest.SnapshotPrefix}/snapshot.json");
        explain.Release();
        var ended = await host.WaitForEndAsync(jobId, RunTimeout);
        var explained = await host.Runs.WaitForInsightsAsync(jobId, RunTimeout);

        Assert.Equal((OrchestrationRuntimeStatus.Completed, RunStatus.Succeeded), (ended.RuntimeStatus, ended.ReadOutputAs<WorkflowResult>()!.Status));
        Assert.Equal((RunStatus.Succeeded, run.Version, InsightsState.Failed), (explained.Status, explained.Version, explained.Insights));
        Assert.Contains("staging no longer holds it", explained.InsightsError, StringComparison.Ordinal);
        var current = (await registry.GetCurrentAsync("performance-optimizer"))!;
        Assert.Equal((run.Version.Value, VersionStatus.Available), (current.Version, current.Status));
        Assert.Equal(1, host.Calls(ActivityNames.Explain));
        Assert.Equal(0, host.Calls(ActivityNames.Cleanup));
        await Hosting.ReportAfterRegistrationTests.StagingIsEmptyAsync(azurite.Storage, jobId);
    }

    /// <summary>The row's state once it reaches <paramref name="step"/> (its update runs beside the step), within 10 s.</summary>
    private static async Task<(string, string?)> RowStateAsync(FunctionsTestHost host, string jobId, string step)
    {
        TrainingRunRow row = null!;
        await Eventually.HoldsAsync(async () => (row = (await host.Runs.GetAsync(jobId))!).Step == step, TimeSpan.FromSeconds(10), $"the run row to reach {step}");
        return (row.Status, row.Step);
    }
}
