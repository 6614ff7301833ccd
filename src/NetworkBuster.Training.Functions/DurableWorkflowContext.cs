using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using NetworkBuster.Training.Runs;
using NetworkBuster.Training.Workflow;

namespace NetworkBuster.Training.Functions;

/// <summary>
/// <see cref="IWorkflowContext"/> over <see cref="TaskOrchestrationContext"/>: activities with the original design's
/// retry policy (3 attempts, exponential backoff from 1 minute), the job's deadline as a durable timer, custom status
/// <c>{step, progress}</c>, and a replay-safe logger. Orchestrator code: no ConfigureAwait, no non-durable waits.
/// </summary>
/// <param name="context">The orchestration context.</param>
internal sealed class DurableWorkflowContext(TaskOrchestrationContext context) : IWorkflowContext
{
    // Permanent failures come back as StepResult values, never as exceptions, so every failure that reaches the
    // policy is worth retrying unless its type says it is a bug in the input handling.
    private static readonly TaskOptions Retry = TaskOptions.FromRetryPolicy(
        new RetryPolicy(maxNumberOfAttempts: 3, firstRetryInterval: TimeSpan.FromMinutes(1), backoffCoefficient: 2.0)
        {
            HandleFailure = failure => FailureClassifier.IsRetryableType(failure.ErrorType),
        });

    public string InstanceId => context.InstanceId;

    public DateTimeOffset CurrentUtc => new(DateTime.SpecifyKind(context.CurrentUtcDateTime, DateTimeKind.Utc));

    public ILogger Logger { get; } = context.CreateReplaySafeLogger(nameof(TrainingOrchestrator));

    public async Task<TResult> CallActivityAsync<TResult>(string name, object input, DateTimeOffset deadline)
    {
        var activity = context.CallActivityAsync<TResult>(name, input, Retry);
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
        context.SetCustomStatus(new { step = update.Step, progress = update.Progress, status = update.Status });
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
