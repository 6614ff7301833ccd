using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using NetworkBuster.Training.Admissions;
using NetworkBuster.Training.Cli.Local;
using NetworkBuster.Training.Contracts;
using NetworkBuster.Training.Orchestration;
using NetworkBuster.Training.Registry;
using NetworkBuster.Training.Runs;
using NetworkBuster.Training.Storage;
using NetworkBuster.Training.Tests.Infrastructure;
using NetworkBuster.Training.Workflow;

namespace NetworkBuster.Training.Tests.Functions;

/// <summary>
/// The orchestrator's retry policy against a real storage outage: Azurite (data on disk) stopped while the
/// instance runs, storage clients without their own retries, so every failure reaches the Durable policy.
/// </summary>
[Trait("Tier", "Integration")]
public class OrchestratorRetryTests
{
    private static readonly ActivityRetry Retry = new(3, TimeSpan.FromSeconds(2), 2.0);

    // Room for Azurite to restart on a loaded machine: attempts at 0, 3, 9 and 21 s.
    private static readonly ActivityRetry Patient = new(4, TimeSpan.FromSeconds(3), 2.0);

    [Fact]
    public async Task TransientStorageFailure_IsRetriedByThePolicy_AndTheJobThenSucceeds()
    {
        await using var outage = await OutageAsync();
        var (host, azurite, job) = (outage.Host, outage.Azurite, outage.Job);

        await azurite.StopAsync();
        await host.Client.ScheduleNewOrchestrationInstanceAsync(TrainingOrchestration.Name, new WorkflowInput(job, Patient), new StartOrchestrationOptions(job.JobId));
        await Eventually.HoldsAsync(() => host.Failures(ActivityNames.RecordRun) >= 1, TimeSpan.FromSeconds(60), "a first failed RecordRun");
        await azurite.StartAgainAsync();
        var ended = await host.WaitForEndAsync(job.JobId, TimeSpan.FromMinutes(2));

        var run = (await host.Runs.GetAsync(job.JobId))!;
        Assert.True(run.Status == RunStatus.Succeeded, $"{run.Status} {run.ErrorCode} {run.ErrorMessage}");
        Assert.Equal(OrchestrationRuntimeStatus.Completed, ended.RuntimeStatus);
        Assert.InRange(host.Failures(ActivityNames.RecordRun), 1, Patient.MaxAttempts - 1);
        Assert.InRange(host.Calls(ActivityNames.Ingest), 1, Patient.MaxAttempts);
        Assert.Single(await new ModelRegistry(outage.Storage).ListAsync("performance-optimizer"), r => r.JobId == job.JobId);
    }

    [Fact]
    public async Task RetriesExhausted_RecordsAFailedRunWithStorageUnavailable_WithoutRunningLaterSteps()
    {
        await using var outage = await OutageAsync();
        var (host, azurite, job) = (outage.Host, outage.Azurite, outage.Job);

        await azurite.StopAsync();
        await host.Client.ScheduleNewOrchestrationInstanceAsync(TrainingOrchestration.Name, new WorkflowInput(job, Retry), new StartOrchestrationOptions(job.JobId));
        await Eventually.HoldsAsync(() => host.Failures(ActivityNames.RecordRun) >= Retry.MaxAttempts, TimeSpan.FromSeconds(60), "every RecordRun attempt to fail");
        await azurite.StartAgainAsync();
        var ended = await host.WaitForEndAsync(job.JobId, TimeSpan.FromMinutes(2));

        var run = (await host.Runs.GetAsync(job.JobId))!;
        Assert.Equal(OrchestrationRuntimeStatus.Completed, ended.RuntimeStatus);
        Assert.Equal((RunStatus.Failed, nameof(ErrorCode.StorageUnavailable)), (run.Status, run.ErrorCode));
        Assert.Contains("failed after retries", run.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal(0, host.Calls(ActivityNames.Train));
        Assert.True(host.Failures(ActivityNames.RecordRun) >= Retry.MaxAttempts);
    }

    private static async Task<Outage> OutageAsync()
    {
        var folder = Path.Combine(Path.GetTempPath(), TestData.Unique("azurite-fn"));
        var azurite = await AzuriteServer.StartRestartableAsync(folder);
        var storage = StorageClients.FromConnectionString(azurite.ConnectionString);
        await storage.EnsureCreatedAsync();
        var host = await FunctionsTestHost.StartAsync(azurite.ConnectionString, new Dictionary<string, string?> { ["Training:Storage:MaxRetries"] = "0" });
        var job = TrainingOrchestratorTests.Job(TestData.Unique("fn-outage"), await TestData.UploadPerformanceAsync(storage, rows: 500));
        var admitted = await host.Services.GetRequiredService<JobAdmission>().AdmitAsync(job, RunTrigger.Queue);
        Assert.Equal(AdmissionOutcome.Start, admitted.Outcome);
        return new Outage(azurite, storage, host, job, folder);
    }

    private sealed record Outage(AzuriteServer Azurite, StorageClients Storage, FunctionsTestHost Host, TrainingJob Job, string Folder) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Host.DisposeAsync();
            await Azurite.DisposeAsync();
            Directory.Delete(Folder, recursive: true);
        }
    }
}
