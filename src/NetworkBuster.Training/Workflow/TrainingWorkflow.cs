using Microsoft.Extensions.Logging;
using NetworkBuster.Training.Contracts;
using NetworkBuster.Training.Notifications;
using NetworkBuster.Training.Runs;

namespace NetworkBuster.Training.Workflow;

/// <summary>The workflow's input.</summary>
/// <param name="Job">The validated job.</param>
/// <param name="Retry">The activity retry policy, fixed when the instance starts; null for <see cref="ActivityRetry.Default"/>.</param>
public sealed record WorkflowInput(TrainingJob Job, ActivityRetry? Retry = null);

/// <summary>How the workflow ended.</summary>
/// <param name="Status">Succeeded or Failed.</param>
/// <param name="Version">The registered version.</param>
/// <param name="IsCurrent">Whether it became current.</param>
/// <param name="Failure">Why it failed.</param>
public sealed record WorkflowResult(string Status, int? Version, bool IsCurrent, JobFailure? Failure);

/// <summary>
/// Ingest → train → evaluate → register, written once for both hosts; the run has succeeded when register ends,
/// and explain (the report) and notify follow. Deterministic: no clock but the context's, no GUIDs, no randomness,
/// no I/O; only references pass between steps.
/// </summary>
public static class TrainingWorkflow
{
    /// <summary>Runs the workflow.</summary>
    public static async Task<WorkflowResult> RunAsync(IWorkflowContext context, WorkflowInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var job = input.Job;
        var deadline = context.CurrentUtc.AddMinutes(job.TimeoutMinutes);
        string step = RunStep.Ingest;
        DriftReport? drift = null;
        try
        {
            var ingest = await StepAsync(
                context,
                new RunUpdate(job.JobId, RunStatus.Running, step, 5, context.CurrentUtc) { IsStart = true },
                () => context.CallActivityAsync<StepResult<IngestOutput>>(ActivityNames.Ingest, new IngestInput(job) { Deadline = deadline }, deadline));
            if (ingest.Value is not { } snapshot)
            {
                return await FailAsync(context, job, step, ingest.Failure!);
            }

            drift = snapshot.Drift;
            step = RunStep.Train;
            var train = await StepAsync(
                context,
                new RunUpdate(job.JobId, RunStatus.Running, step, 30, context.CurrentUtc) { Drift = drift?.ToColumn() },
                () => context.CallActivityAsync<StepResult<TrainOutput>>(ActivityNames.Train, new TrainInput(job, snapshot) { Deadline = deadline }, deadline));
            if (train.Value is not { } model)
            {
                return await FailAsync(context, job, step, train.Failure!, drift);
            }

            step = RunStep.Evaluate;
            var evaluate = await StepAsync(
                context,
                new RunUpdate(job.JobId, RunStatus.Running, step, 70, context.CurrentUtc),
                () => context.CallActivityAsync<StepResult<EvaluateOutput>>(ActivityNames.Evaluate, new EvaluateInput(job, snapshot, model) { Deadline = deadline }, deadline));
            if (evaluate.Value is not { } evaluation)
            {
                return await FailAsync(context, job, step, evaluate.Failure!, drift);
            }

            step = RunStep.Register;
            var register = await StepAsync(
                context,
                new RunUpdate(job.JobId, RunStatus.Running, step, 90, context.CurrentUtc),
                () => context.CallActivityAsync<StepResult<RegisterOutput>>(ActivityNames.Register, new RegisterInput(job, context.InstanceId, snapshot, model, evaluation), deadline));
            if (register.Value is not { } registered)
            {
                return await FailAsync(context, job, step, register.Failure!, drift);
            }

            // The decision is made and the version registered: the run has succeeded. What only people read (the
            // report, importance, curves, the webhooks) follows, and nothing there can change that outcome.
            await context.ReportAsync(new RunUpdate(job.JobId, RunStatus.Succeeded, step, 100, context.CurrentUtc)
            {
                Version = registered.Version,
                PrimaryMetric = evaluation.PrimaryMetric,
                PrimaryMetricValue = evaluation.PrimaryMetricValue,
                PromotionDecision = (registered.IsCurrent ? "current: " : "not current: ") + evaluation.Decision,
                Insights = InsightsState.Pending,
            });
            context.Logger.LogInformation("Training run {JobId} for {Model} finished {Status} with version {Version}", job.JobId, job.Model, RunStatus.Succeeded, registered.Version);
            await ExplainAsync(context, new ExplainInput(job, context.InstanceId, snapshot, model, evaluation, registered) { Deadline = context.CurrentUtc.AddMinutes(job.TimeoutMinutes) });
            await NotifyAsync(context, job, RunEvents.Succeeded(job, registered, evaluation, context.CurrentUtc, drift));
            return new WorkflowResult(RunStatus.Succeeded, registered.Version, registered.IsCurrent, null);
        }
        catch (ActivityFailedException ex)
        {
            return await FailAsync(context, job, step, new JobFailure(ex.Code, $"{ex.Activity} failed after retries: {ex.Message}"), drift);
        }
        catch (StepTimeoutException)
        {
            return await FailAsync(context, job, step, new JobFailure(ErrorCode.Timeout, $"Expected the job to finish within timeoutMinutes={job.TimeoutMinutes}, but it was still in step '{step}' at the deadline."), drift);
        }
    }

    /// <summary>
    /// Records that a step starts and runs it at the same time (one engine round trip instead of two); both must
    /// finish before the next step, so run rows never go backwards. Scheduled in the same order on every replay.
    /// </summary>
    private static async Task<T> StepAsync<T>(IWorkflowContext context, RunUpdate starting, Func<Task<T>> step)
    {
        var reported = context.ReportAsync(starting);
        var result = step();
        await Task.WhenAll(reported, result);
        return await result;
    }

    private static async Task<WorkflowResult> FailAsync(IWorkflowContext context, TrainingJob job, string step, JobFailure failure, DriftReport? drift = null)
    {
        try
        {
            // Every failure path removes the job's staging files; a cleanup that cannot run (storage down through
            // its retries) must not hide the failure it follows.
            await context.CallActivityAsync<bool>(ActivityNames.Cleanup, job.JobId, context.CurrentUtc.AddMinutes(5));
        }
        catch (Exception ex) when (ex is ActivityFailedException or StepTimeoutException)
        {
            context.Logger.LogWarning("Could not clean up the staging files of {JobId}: {ErrorMessage}", job.JobId, ex.Message);
        }

        await context.ReportAsync(new RunUpdate(job.JobId, RunStatus.Failed, step, 100, context.CurrentUtc)
        {
            ErrorCode = failure.Code.ToString(),
            ErrorMessage = failure.Message,
        });
        context.Logger.LogWarning("Training run {JobId} for {Model} finished {Status} in {Step}: {ErrorCode} {ErrorMessage}", job.JobId, job.Model, RunStatus.Failed, step, failure.Code, failure.Message);
        await NotifyAsync(context, job, RunEvents.Failed(job, failure, context.CurrentUtc, drift));
        return new WorkflowResult(RunStatus.Failed, null, false, failure);
    }

    /// <summary>
    /// Prepares the registered version's report, with a budget of its own (the job's timeout again). The activity
    /// records <c>Insights</c> itself (<c>ready</c>, or <c>failed</c> on a permanent failure); when it gives up
    /// after its retries or its deadline, the run row is amended here and staging emptied. Never throws.
    /// </summary>
    private static async Task ExplainAsync(IWorkflowContext context, ExplainInput input)
    {
        var job = input.Job;
        string why;
        try
        {
            await context.CallActivityAsync<StepResult<ExplainOutput>>(ActivityNames.Explain, input, input.Deadline ?? DateTimeOffset.MaxValue);
            return;
        }
        catch (ActivityFailedException ex)
        {
            why = $"Expected the report of {job.Model}:{input.Registered.Version} to be prepared, but {ex.Activity} failed after retries: {ex.Message}";
        }
        catch (StepTimeoutException)
        {
            why = $"Expected the report of {job.Model}:{input.Registered.Version} to be prepared within timeoutMinutes={job.TimeoutMinutes}, but it was not.";
        }

        context.Logger.LogWarning("Run {JobId} succeeded but its report could not be prepared: {ErrorMessage}", job.JobId, why);
        try
        {
            await context.CallActivityAsync<bool>(ActivityNames.RecordRun, RunUpdate.ForInsights(job.JobId, InsightsState.Failed, why, context.CurrentUtc), context.CurrentUtc.AddMinutes(5));
            await context.CallActivityAsync<bool>(ActivityNames.Cleanup, job.JobId, context.CurrentUtc.AddMinutes(5));
        }
        catch (Exception ex) when (ex is ActivityFailedException or StepTimeoutException)
        {
            context.Logger.LogWarning("Could not record the report's failure of {JobId}: {ErrorMessage}", job.JobId, ex.Message);
        }
    }

    /// <summary>
    /// Tells the webhooks, after the run row already says how the run ended: the activity never throws and gives up
    /// after its retries, and even its failure here only logs, so a webhook never changes or holds the outcome.
    /// </summary>
    private static async Task NotifyAsync(IWorkflowContext context, TrainingJob job, IReadOnlyList<TrainingEvent> events)
    {
        try
        {
            await context.CallActivityAsync<int>(ActivityNames.Notify, new NotifyInput(events, job.Notify), context.CurrentUtc.AddMinutes(5));
        }
        catch (Exception ex) when (ex is ActivityFailedException or StepTimeoutException)
        {
            context.Logger.LogWarning("Could not notify about {JobId}: {ErrorMessage}", job.JobId, ex.Message);
        }
    }
}
