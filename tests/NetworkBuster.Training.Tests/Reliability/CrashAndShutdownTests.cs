using System.Text.Json;
using NetworkBuster.Training.Registry;
using NetworkBuster.Training.Runs;
using NetworkBuster.Training.Tests.Infrastructure;

namespace NetworkBuster.Training.Tests.Reliability;

/// <summary>
/// The real host process killed (SIGKILL) or interrupted (SIGINT) in the middle of a job: the Durable engine
/// resumes the instance from its history in the next host.
/// </summary>
[Trait("Tier", "Integration")]
public class CrashAndShutdownTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private RunStore Runs => new(azurite.Storage);

    // The step to interrupt must outlast the host's start and the test's 50 ms polls: a fit of 400 deep trees, or
    // (for ingest, which reads 40,000 rows in well under a second on an idle machine) a dataset ten times larger.
    private async Task<(string JobId, string Dataset)> SubmitSlowJobAsync(int rows = 40_000, int trees = 400)
    {
        var dataset = await TestData.UploadPerformanceAsync(azurite.Storage, rows);
        var jobId = TestData.Unique("crash");
        await azurite.Storage.JobsQueue.SendMessageAsync(JsonSerializer.Serialize(new
        {
            jobId,
            model = "performance-optimizer",
            dataset,
            // A fit of known length: FastTree with every round (the preset's default, LightGbm stopping early, can end in a second).
            trainer = "fasttree",
            hyperparameters = new { numberOfTrees = trees, numberOfLeaves = 64, earlyStoppingRounds = 0 },
            promotion = "always",
        }));
        return (jobId, dataset);
    }

    private async Task WaitForStepAsync(string jobId, string step)
    {
        TrainingRunRow? row = null;
        await Eventually.HoldsAsync(async () => (row = await Runs.GetAsync(jobId)) is not null && (row.Step == step || RunStatus.IsTerminal(row.Status)), TimeSpan.FromMinutes(1), $"step {step} to start");
        Assert.False(RunStatus.IsTerminal(row!.Status), $"The job ended ({row.Status}) before step {step} could be interrupted.");
    }

    [Theory]
    [InlineData("ingest")]
    [InlineData("train")]
    public async Task HostKilledDuringAStep_NextHostCompletesTheJobWithExactlyOneVersion(string step)
    {
        var (jobId, _) = step == RunStep.Ingest ? await SubmitSlowJobAsync(rows: 400_000, trees: 20) : await SubmitSlowJobAsync();
        using (var first = HostProcess.Start(azurite.ConnectionString))
        {
            await WaitForStepAsync(jobId, step);
            first.Kill();
        }

        Assert.Equal(RunStatus.Running, (await Runs.GetAsync(jobId))!.Status);
        using var second = HostProcess.Start(azurite.ConnectionString);
        TrainingRunRow run;
        try
        {
            // The resumed step waits out the killed host's lease, then runs in full beside the rest of the suite.
            run = await Runs.WaitAsync(jobId, TimeSpan.FromMinutes(6));
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message}\nSecond host's log:\n{second.Output}", ex);
        }

        Assert.True(run.Status == RunStatus.Succeeded, $"{run.Status} {run.ErrorCode} {run.ErrorMessage}\n{second.Output}");
        Assert.Equal(1, run.Attempt);
        Assert.Single(await new ModelRegistry(azurite.Storage).ListAsync("performance-optimizer"), r => r.JobId == jobId);

        // Staging is emptied by explain, once the report is prepared after registration.
        Assert.Equal(InsightsState.Ready, (await Runs.WaitForInsightsAsync(jobId, TimeSpan.FromMinutes(2))).Insights);
        await AssertNoStagingLeftAsync(jobId);

        // The instance resumed where it was: the killed step ran again, the finished ones did not.
        Assert.Contains($"Step {step} of {jobId} took", second.Output, StringComparison.Ordinal);
        if (step == RunStep.Train)
        {
            Assert.DoesNotContain($"Step {RunStep.Ingest} of {jobId} took", second.Output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task StepLongerThanTheWorkItemVisibility_IsNotDeliveredTwice()
    {
        var (jobId, _) = await SubmitSlowJobAsync();
        using var host = HostProcess.Start(azurite.ConnectionString, new Dictionary<string, string> { ["Training__Host__WorkItemVisibility"] = "00:00:01" });

        var run = await Runs.WaitAsync(jobId, TimeSpan.FromMinutes(4));

        Assert.True(run.Status == RunStatus.Succeeded, $"{run.Status} {run.ErrorCode} {run.ErrorMessage}\n{host.Output}");
        var trainSeconds = (await new ModelRegistry(azurite.Storage).ListAsync("performance-optimizer")).Single(r => r.JobId == jobId).TrainingSeconds;
        Assert.True(trainSeconds > 2, $"the fit took {trainSeconds:F1} s, not twice the 1 s visibility it must outlive");
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(host.Output, $"Step train of {jobId} took"));
        Assert.False(host.Output.Contains("PopReceiptMismatch", StringComparison.Ordinal), "A lease was lost (PopReceiptMismatch):\n" + host.Output);
    }

    [Theory]
    [InlineData("TERM")]
    [InlineData("INT")]
    public async Task HostStoppedBySignal_ExitsCleanly_AndTheNextHostResumesTheJob(string signal)
    {
        var (jobId, _) = await SubmitSlowJobAsync();
        using (var first = HostProcess.Start(azurite.ConnectionString))
        {
            await WaitForStepAsync(jobId, "train");
            if (signal == "INT" && HostProcess.InterruptIgnoredHere())
            {
                // Run as a background job, the host inherited SIGINT ignored: Ctrl+C at the terminal is not for it,
                // and it must not die of it. SIGTERM is how such a host is stopped.
                Assert.False(await first.SignalAndWaitAsync("INT", TimeSpan.FromSeconds(1)), "The host died of a SIGINT it inherited as ignored.\n" + first.Output);
                signal = "TERM";
            }

            // The generic host's stop, not System.CommandLine's forced exit two seconds after the signal.
            Assert.True(await first.SignalAndWaitAsync(signal, TimeSpan.FromSeconds(40)), $"The host did not stop within 40 s of SIG{signal}.\n" + first.Output);
            Assert.True(first.ExitCode == 0, $"The host exited with {first.ExitCode} after SIG{signal}.\n" + first.Output);
        }

        // The message was done with once the orchestration started; the engine holds the job now.
        var visible = await azurite.Storage.JobsQueue.PeekMessagesAsync(32);
        Assert.DoesNotContain(visible.Value, m => m.Body.ToString().Contains(jobId, StringComparison.Ordinal));
        Assert.Equal(RunStatus.Running, (await Runs.GetAsync(jobId))!.Status);
        using var second = HostProcess.Start(azurite.ConnectionString);
        var run = await Runs.WaitAsync(jobId, TimeSpan.FromMinutes(4));
        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Single(await new ModelRegistry(azurite.Storage).ListAsync("performance-optimizer"), r => r.JobId == jobId);
    }

    private async Task AssertNoStagingLeftAsync(string jobId)
    {
        await foreach (var blob in azurite.Storage.Staging.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, jobId + "/", CancellationToken.None))
        {
            Assert.Fail($"Staging blob left behind: {blob.Name}");
        }
    }
}
