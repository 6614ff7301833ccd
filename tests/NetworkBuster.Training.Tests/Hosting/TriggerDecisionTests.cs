using Microsoft.Extensions.DependencyInjection;
using NetworkBuster.Training.Admissions;
using NetworkBuster.Training.Contracts;
using NetworkBuster.Training.Jobs;
using NetworkBuster.Training.Runs;
using NetworkBuster.Training.Tests.Infrastructure;
using NetworkBuster.Training.Workflow;

namespace NetworkBuster.Training.Tests.Hosting;

/// <summary>The decisions the queue trigger (local and Functions) makes, against real run rows.</summary>
[Trait("Tier", "Integration")]
public class TriggerDecisionTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private JobAdmission Admission => Pipeline.Services(azurite.ConnectionString).GetRequiredService<JobAdmission>();

    private static string Message(string jobId) => $$"""{"jobId":"{{jobId}}","model":"performance-optimizer","dataset":"performance-optimizer/a.csv"}""";

    [Theory]
    [InlineData(AdmissionOutcome.Start, InstanceState.None, StartDecision.Schedule)]
    [InlineData(AdmissionOutcome.Start, InstanceState.Active, StartDecision.AlreadyRunning)]
    [InlineData(AdmissionOutcome.Start, InstanceState.Ended, StartDecision.Restart)]
    [InlineData(AdmissionOutcome.Duplicate, InstanceState.Ended, StartDecision.Skip)]
    [InlineData(AdmissionOutcome.Duplicate, InstanceState.None, StartDecision.Skip)]
    [InlineData(AdmissionOutcome.Rejected, InstanceState.None, StartDecision.Skip)]
    public void Decide_AdmissionAndInstanceState_GiveTheStartDecision(AdmissionOutcome outcome, InstanceState state, StartDecision expected) =>
        Assert.Equal(expected, OrchestrationStartPolicy.Decide(new Admission(outcome, "j", null, 1, null), state));

    [Fact]
    public async Task AdmitMessage_FirstDelivery_StartsAndRecordsPending()
    {
        var jobId = TestData.Unique("admit");

        var admitted = await Admission.AdmitMessageAsync(Message(jobId), "m1");

        Assert.Equal((AdmissionOutcome.Start, 1), (admitted.Outcome, admitted.Attempt));
        var row = (await new RunStore(azurite.Storage).GetAsync(jobId))!;
        Assert.Equal((RunStatus.Pending, RunTrigger.Queue, "fasttree"), (row.Status, row.Trigger, row.Trainer));
        Assert.Equal(jobId, JobMessageParser.Parse(row.JobJson!, "x").Job!.JobId);
    }

    [Fact]
    public async Task AdmitMessage_RedeliveryOfAStartedUnfinishedJob_StartsAgainWithTheNextAttempt()
    {
        var jobId = TestData.Unique("again");
        var first = await Admission.AdmitMessageAsync(Message(jobId), "m1");
        await new RunStore(azurite.Storage).SetAttemptAsync(jobId, first.Attempt);

        var second = await Admission.AdmitMessageAsync(Message(jobId), "m1");

        Assert.Equal((AdmissionOutcome.Start, 1, 2), (second.Outcome, first.Attempt, second.Attempt));
    }

    [Fact]
    public async Task AdmitMessage_RedeliveryBeforeAnyStart_IsStillTheFirstAttempt()
    {
        var jobId = TestData.Unique("unstarted");
        await Admission.AdmitMessageAsync(Message(jobId), "m1");

        var second = await Admission.AdmitMessageAsync(Message(jobId), "m1");

        Assert.Equal((AdmissionOutcome.Start, 1), (second.Outcome, second.Attempt));
        Assert.Equal(0, (await new RunStore(azurite.Storage).GetAsync(jobId))!.Attempt);
    }

    [Fact]
    public async Task AdmitMessage_JobAlreadyFinished_IsADuplicate()
    {
        var jobId = TestData.Unique("done");
        await Admission.AdmitMessageAsync(Message(jobId), "m1");
        await new RunStore(azurite.Storage).UpdateAsync(new RunUpdate(jobId, RunStatus.Succeeded, RunStep.Register, 100, DateTimeOffset.UtcNow) { Version = 3 });

        var again = await Admission.AdmitMessageAsync(Message(jobId), "m2");

        Assert.Equal(AdmissionOutcome.Duplicate, again.Outcome);
        Assert.Equal(RunStatus.Succeeded, (await new RunStore(azurite.Storage).GetAsync(jobId))!.Status);
    }

    [Fact]
    public async Task AdmitMessage_Invalid_IsRejectedAndRecordedFailed_WithoutOverwritingAnExistingRun()
    {
        var jobId = TestData.Unique("invalid");
        await Admission.AdmitMessageAsync(Message(jobId), "m1");

        var rejected = await Admission.AdmitMessageAsync($$"""{"jobId":"{{jobId}}","model":"nope","dataset":"a.csv"}""", "m2");
        var fresh = await Admission.AdmitMessageAsync("{oops", "m3-abc");

        Assert.Equal((AdmissionOutcome.Rejected, ErrorCode.UnknownModel), (rejected.Outcome, rejected.Failure!.Code));
        Assert.Equal(RunStatus.Pending, (await new RunStore(azurite.Storage).GetAsync(jobId))!.Status);
        var row = (await new RunStore(azurite.Storage).GetAsync("msg-m3-abc"))!;
        Assert.Equal((RunStatus.Failed, "InvalidMessage"), (row.Status, row.ErrorCode));
    }

    [Fact]
    public async Task RecordPoison_UnfinishedRun_IsMarkedFailedWithTheReason()
    {
        var jobId = TestData.Unique("poisoned");
        await Admission.AdmitMessageAsync(Message(jobId), "m1");

        await Admission.RecordPoisonAsync(Message(jobId), "m1", 3, "storage unreachable");

        var row = (await new RunStore(azurite.Storage).GetAsync(jobId))!;
        Assert.Equal((RunStatus.Failed, "StorageUnavailable"), (row.Status, row.ErrorCode));
        Assert.Contains("after 3 dequeue(s): storage unreachable", row.ErrorMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Azure.RequestFailedException", ErrorCode.StorageUnavailable)]
    [InlineData("System.Net.Http.HttpRequestException", ErrorCode.StorageUnavailable)]
    [InlineData("System.InvalidOperationException", ErrorCode.TrainingFailed)]
    [InlineData(null, ErrorCode.TrainingFailed)]
    public void CodeOf_FailureTypeName_MapsToTheContractCode(string? type, ErrorCode expected) =>
        Assert.Equal(expected, FailureClassifier.CodeOf(type));

    [Fact]
    public void IsTransient_StorageAndNetworkFailures_AreRetried_BadInputIsNot()
    {
        Assert.True(FailureClassifier.IsTransient(new Azure.RequestFailedException(503, "busy")));
        Assert.True(FailureClassifier.IsTransient(new Azure.RequestFailedException(0, "connection refused")));
        Assert.True(FailureClassifier.IsTransient(new AggregateException(new HttpRequestException("refused"))));
        Assert.False(FailureClassifier.IsTransient(new Azure.RequestFailedException(403, "forbidden")));
        Assert.False(FailureClassifier.IsTransient(new TrainingException(ErrorCode.BadRows, "bad")));
        Assert.False(FailureClassifier.IsTransient(new InvalidOperationException("bug")));
    }

    [Theory]
    [InlineData("Azure.RequestFailedException", true)]
    [InlineData("System.AggregateException", true)]
    [InlineData("(unknown)", true)]
    [InlineData(null, true)]
    [InlineData("Contracts.TrainingException", false)]
    [InlineData("System.ArgumentException", false)]
    [InlineData("System.Text.Json.JsonException", false)]
    public void IsRetryableType_DurableFailureTypeName_DecidesTheRetry(string? type, bool retry) =>
        Assert.Equal(retry, FailureClassifier.IsRetryableType(type));

    [Fact]
    public void JobMessageWriter_RoundTripsThroughTheParser()
    {
        var job = JobMessageParser.Parse("""{"jobId":"rt","model":"performance-optimizer","dataset":"p/a.csv","trainer":"lightgbm","hyperparameters":{"numberOfTrees":50},"priority":"low","timeoutMinutes":90,"promotion":"never","split":{"kind":"random","test":0.25,"validation":0.05,"seed":9}}""", "m").Job!;

        var again = JobMessageParser.Parse(JobMessageWriter.ToJson(job), "other").Job!;

        Assert.Equal((job.JobId, job.Trainer, job.Priority, job.TimeoutMinutes, job.Promotion, job.Split), (again.JobId, again.Trainer, again.Priority, again.TimeoutMinutes, again.Promotion, again.Split));
        Assert.Equal(50, again.Hyperparameters["numberOfTrees"]);
    }
}
