using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using NetworkBuster.Training.Runs;
using NetworkBuster.Training.Workflow;

namespace NetworkBuster.Training.Orchestration;

/// <summary>
/// <see cref="IWorkflowContext"/> over <see cref="TaskOrchestrationContext"/>: activities with the instance's
/// <see cref="ActivityRetry"/> policy and <see cref="FailureClassifier"/>, the job's deadline as a durable timer,
/// custom status <c>{step, progress, status}</c>, and a replay-safe logger. Orchestrator code: no ConfigureAwait,
/// no non-durable waits, no clock but the context's.
/// </summary>
/// <param name="context">The orchestration context.</param>
/// <param name="retry">The retry policy the instance started with.</param>
internal sealed class DurableWorkflowContext(TaskOrchestrationContext context, ActivityRetry retry) : IWorkflowContext
{
    private readonly TaskOptions _retry = TaskOptions.FromRetryPolicy(
        new RetryPolicy(retry.MaxAttempts, retry.FirstRetry, retry.BackoffCoefficient)
        {
            HandleFailure = failure => FailureClassifier.IsRetryableType(failure.ErrorType),
        });

    public string InstanceId => context.InstanceId;

    public DateTimeOffset CurrentUtc => new(DateTime.SpecifyKind(context.CurrentUtcDateTime, DateTimeKind.Utc));

    public ILogger Logger { get; } = context.CreateReplaySafeLogger(TrainingOrchestration.Name);

    public async Task<TResult> CallActivityAsync<TResult>(string name, object input, DateTimeOffset deadline)
    {
        var activity = context.CallActivityAsync<TResult>(name, input, _retry);
        if (deadline == DateTimeOffset.MaxValue)
        {
            return await Unwrap(activity, name);
        }

        using var timerCancellation = new CancellationTokenSource();
        var timer = context.CreateTimer(deadline.UtcDateTime, timerCancellation.Token);
        if (await Task.WhenAny(activity, timer) == activity)
        {
            // An unexpired durable timer would keep the instance Running until it fires.
            timerCancellation.Cancel();
            return await Unwrap(activity, name);
        }

        throw new StepTimeoutException(name, deadline);
    }

    public async Task ReportAsync(RunUpdate update)
    {
        context.SetCustomStatus(new TrainingStatus(update.Step, update.Progress, update.Status));
        await CallActivityAsync<bool>(ActivityNames.RecordRun, update, DateTimeOffset.MaxValue);
    }

    private static async Task<TResult> Unwrap<TResult>(Task<TResult> activity, string name)
    {
        try
        {
            return await activity;
        }
        catch (TaskFailedException ex)
        {
            throw new ActivityFailedException(name, FailureClassifier.CodeOf(ex.FailureDetails.ErrorType), ex.FailureDetails.ErrorMessage, ex);
        }
    }
}
