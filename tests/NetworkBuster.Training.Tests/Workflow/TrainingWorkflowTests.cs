using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NetworkBuster.Training.Contracts;
using NetworkBuster.Training.Jobs;
using NetworkBuster.Training.Notifications;
using NetworkBuster.Training.Runs;
using NetworkBuster.Training.Workflow;

namespace NetworkBuster.Training.Tests.Workflow;

/// <summary>
/// The workflow's decisions, pinned through the same <see cref="IWorkflowContext"/> seam the Durable orchestrator
/// adapts (Durable itself cannot run here): call order, what passes between steps, failure and timeout handling.
/// </summary>
public class TrainingWorkflowTests
{
    private static readonly TrainingJob Job = JobMessageParser.Parse("""{"jobId":"wf-1","model":"performance-optimizer","dataset":"performance-optimizer/a.csv","timeoutMinutes":10}""", "m").Job!;
    private static readonly IngestOutput Ingested = new("wf-1", 70, 10, 20, 0, "abc", "\"etag\"", 1234);
    private static readonly TrainOutput Trained = new("wf-1/model.zip", "def", 99, 1.5, "{}");
    private static readonly EvaluateOutput Evaluated = new(new Dictionary<string, double> { ["RMSE"] = 3 }, "RMSE", 3, null, null, true, "first version");

    [Fact]
    public async Task Run_AllStepsSucceed_CallsThemInOrderAndRecordsSuccess()
    {
        var context = new ScriptedContext();

        var result = await TrainingWorkflow.RunAsync(context, new WorkflowInput(Job));

        Assert.Equal([ActivityNames.Ingest, ActivityNames.Train, ActivityNames.Evaluate, ActivityNames.Register, ActivityNames.Explain, ActivityNames.Notify], context.Calls);
        Assert.Equal((RunStatus.Succeeded, 4), (result.Status, result.Version));
        var last = context.Reports[^1];
        Assert.Equal((RunStatus.Succeeded, 100, 4, "RMSE", 3.0), (last.Status, last.Progress, last.Version, last.PrimaryMetric, last.PrimaryMetricValue));
        Assert.Equal([5, 30, 70, 90, 100], context.Reports.Select(r => r.Progress));
        Assert.True(context.Reports[0].IsStart);
    }

    [Fact]
    public async Task Run_PassesReferencesNotData_AndTheInstanceIdForLineage()
    {
        var context = new ScriptedContext();

        await TrainingWorkflow.RunAsync(context, new WorkflowInput(Job));

        var register = Assert.IsType<RegisterInput>(context.Inputs[ActivityNames.Register]);
        Assert.Equal(("instance-42", Ingested, Trained, Evaluated), (register.InstanceId, register.Ingest, register.Train, register.Evaluation));
        Assert.Equal(Ingested, Assert.IsType<TrainInput>(context.Inputs[ActivityNames.Train]).Ingest);
    }

    [Fact]
    public async Task Run_PermanentFailureInIngest_StopsCleansUpAndRecordsTheCode()
    {
        var context = new ScriptedContext { Ingest = StepResult.Fail<IngestOutput>(new JobFailure(ErrorCode.SchemaMismatch, "Expected the header a,b, but found c")) };

        var result = await TrainingWorkflow.RunAsync(context, new WorkflowInput(Job));

        Assert.Equal([ActivityNames.Ingest, ActivityNames.Cleanup, ActivityNames.Notify], context.Calls);
        Assert.Equal(RunStatus.Failed, result.Status);
        var last = context.Reports[^1];
        Assert.Equal((RunStatus.Failed, RunStep.Ingest, "SchemaMismatch"), (last.Status, last.Step, last.ErrorCode));
        Assert.Contains("Expected the header", last.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_RetriesExhaustedInTrain_RecordsStorageUnavailableInThatStep()
    {
        var context = new ScriptedContext { Throw = (ActivityNames.Train, new ActivityFailedException(ActivityNames.Train, ErrorCode.StorageUnavailable, "connection refused")) };

        var result = await TrainingWorkflow.RunAsync(context, new WorkflowInput(Job));

        Assert.Equal(ErrorCode.StorageUnavailable, result.Failure!.Code);
        Assert.Equal((RunStep.Train, "StorageUnavailable"), (context.Reports[^1].Step, context.Reports[^1].ErrorCode));
        Assert.DoesNotContain(ActivityNames.Evaluate, context.Calls);
    }

    [Fact]
    public async Task Run_DeadlineIsStartPlusTimeoutMinutes_AndATimeoutIsRecorded()
    {
        var start = new DateTimeOffset(2025, 1, 15, 8, 0, 0, TimeSpan.Zero);
        var context = new ScriptedContext { Now = start, Throw = (ActivityNames.Evaluate, new StepTimeoutException(ActivityNames.Evaluate, start.AddMinutes(10))) };

        var result = await TrainingWorkflow.RunAsync(context, new WorkflowInput(Job));

        Assert.All(context.Deadlines.Take(3), d => Assert.Equal(start.AddMinutes(10), d));
        Assert.Equal(ErrorCode.Timeout, result.Failure!.Code);
        Assert.Contains("timeoutMinutes=10", context.Reports[^1].ErrorMessage, StringComparison.Ordinal);
        Assert.Equal(RunStep.Evaluate, context.Reports[^1].Step);
    }

    [Fact]
    public async Task Run_Succeeded_NotifiesAfterTheRunRow_WithTheRunAndThePromotion()
    {
        var context = new ScriptedContext();

        await TrainingWorkflow.RunAsync(context, new WorkflowInput(Job with { Notify = "https://hooks.example.com/t" }));

        var notify = Assert.IsType<NotifyInput>(context.Inputs[ActivityNames.Notify]);
        Assert.Equal("https://hooks.example.com/t", notify.Target);
        Assert.Equal([TrainingEventTypes.RunSucceeded, TrainingEventTypes.VersionPromoted], notify.Events.Select(e => e.Type));
        var succeeded = notify.Events[0];
        Assert.Equal(("wf-1", "performance-optimizer", 4, RunStatus.Succeeded, "RMSE", 3.0), (succeeded.JobId, succeeded.Model, succeeded.Version, succeeded.Status, succeeded.PrimaryMetric, succeeded.PrimaryMetricValue));
        Assert.Equal("ml-models/performance-optimizer/v4/report.html", succeeded.Links!["report"]);
        Assert.Equal("wf-1/run.succeeded/v4", succeeded.Id);
    }

    [Fact]
    public async Task Run_NotifyActivityFails_TheRunStillSucceeds()
    {
        var context = new ScriptedContext { Throw = (ActivityNames.Notify, new ActivityFailedException(ActivityNames.Notify, ErrorCode.StorageUnavailable, "host stopping")) };

        var result = await TrainingWorkflow.RunAsync(context, new WorkflowInput(Job));

        Assert.Equal(RunStatus.Succeeded, result.Status);
        Assert.Equal(RunStatus.Succeeded, context.Reports[^1].Status);
    }

    [Fact]
    public async Task Run_Succeeded_RecordsSuccessBeforeExplain_ThenExplainsAndNotifies()
    {
        var context = new ScriptedContext();

        var result = await TrainingWorkflow.RunAsync(context, new WorkflowInput(Job));

        Assert.Equal(RunStatus.Succeeded, result.Status);
        Assert.Equal((RunStatus.Succeeded, InsightsState.Pending), (context.Reports[^1].Status, context.Reports[^1].Insights));
        Assert.Equal([ActivityNames.Register, ActivityNames.Explain, ActivityNames.Notify], context.Calls.TakeLast(3));
        var explain = Assert.IsType<ExplainInput>(context.Inputs[ActivityNames.Explain]);
        Assert.Equal((4, true, "instance-42"), (explain.Registered.Version, explain.Registered.IsCurrent, explain.InstanceId));
    }

    [Fact]
    public async Task Run_ExplainGivesUpAfterRetries_TheRunStaysSucceeded_AndTheRowIsAmendedWithWhy()
    {
        var context = new ScriptedContext { Throw = (ActivityNames.Explain, new ActivityFailedException(ActivityNames.Explain, ErrorCode.StorageUnavailable, "connection refused")) };

        var result = await TrainingWorkflow.RunAsync(context, new WorkflowInput(Job));

        Assert.Equal((RunStatus.Succeeded, 4), (result.Status, result.Version));
        var amended = Assert.IsType<RunUpdate>(context.Inputs[ActivityNames.RecordRun]);
        Assert.True(amended.IsAmendment);
        Assert.Equal(InsightsState.Failed, amended.Insights);
        Assert.Contains("connection refused", amended.InsightsError, StringComparison.Ordinal);
        Assert.Contains(ActivityNames.Cleanup, context.Calls);
        Assert.Equal(ActivityNames.Notify, context.Calls[^1]);
    }

    [Fact]
    public async Task Run_Failed_NotifiesTheCodeAndMessage()
    {
        var context = new ScriptedContext { Ingest = StepResult.Fail<IngestOutput>(new JobFailure(ErrorCode.DatasetNotFound, "Expected the dataset blob")) };

        await TrainingWorkflow.RunAsync(context, new WorkflowInput(Job));

        var failed = Assert.Single(Assert.IsType<NotifyInput>(context.Inputs[ActivityNames.Notify]).Events);
        Assert.Equal((TrainingEventTypes.RunFailed, RunStatus.Failed, "DatasetNotFound"), (failed.Type, failed.Status, failed.ErrorCode));
        Assert.StartsWith("Expected the dataset blob", failed.ErrorMessage, StringComparison.Ordinal);
    }

    private sealed class ScriptedContext : IWorkflowContext
    {
        public StepResult<IngestOutput> Ingest { get; init; } = StepResult.Ok(Ingested);

        public (string Activity, Exception Exception)? Throw { get; init; }

        public DateTimeOffset Now { get; init; } = DateTimeOffset.UnixEpoch;

        public List<string> Calls { get; } = [];

        public List<DateTimeOffset> Deadlines { get; } = [];

        public Dictionary<string, object> Inputs { get; } = [];

        public List<RunUpdate> Reports { get; } = [];

        public string InstanceId => "instance-42";

        public DateTimeOffset CurrentUtc => Now;

        public ILogger Logger => NullLogger.Instance;

        public Task<TResult> CallActivityAsync<TResult>(string name, object input, DateTimeOffset deadline)
        {
            Calls.Add(name);
            Deadlines.Add(deadline);
            Inputs[name] = input;
            if (Throw is { } t && t.Activity == name)
            {
                throw t.Exception;
            }

            object result = name switch
            {
                ActivityNames.Ingest => Ingest,
                ActivityNames.Train => StepResult.Ok(Trained),
                ActivityNames.Evaluate => StepResult.Ok(Evaluated),
                ActivityNames.Register => StepResult.Ok(new RegisterOutput(4, true, "available")),
                ActivityNames.Explain => StepResult.Ok(new ExplainOutput(InsightsState.Ready, "performance-optimizer/v4/report.html")),
                ActivityNames.Notify => 1,
                _ => true,
            };
            return Task.FromResult((TResult)result);
        }

        public Task ReportAsync(RunUpdate update)
        {
            Reports.Add(update);
            return Task.CompletedTask;
        }
    }
}
