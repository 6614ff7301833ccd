using Microsoft.Extensions.Logging;
using NetworkBuster.Training.Runs;
using NetworkBuster.Training.Workflow;

namespace NetworkBuster.Training.Hosting;

/// <summary>
/// Runs the workflow in-process: activities are direct calls, retried with exponential backoff, raced against the
/// deadline, and checkpointed by call sequence so that a restarted host replays finished steps (as Durable replays
/// its history) instead of running them again.
/// </summary>
/// <param name="instanceId">The run's instance id.</param>
/// <param name="activities">The activities.</param>
/// <param name="checkpoints">Finished calls of earlier attempts.</param>
/// <param name="retry">The retry policy (the same one the Durable context applies).</param>
/// <param name="time">The clock.</param>
/// <param name="logger">Logger.</param>
/// <param name="stopping">Signals host shutdown: the step in progress is abandoned and the message redelivered.</param>
internal sealed class LocalWorkflowContext(
    string instanceId,
    TrainingActivities activities,
    CheckpointStore checkpoints,
    ActivityRetry retry,
    TimeProvider time,
    ILogger logger,
    CancellationToken stopping) : IWorkflowContext
{
    public string InstanceId => instanceId;

    public DateTimeOffset CurrentUtc => time.GetUtcNow();

    public ILogger Logger => logger;

    private int _sequence;

    public async Task<TResult> CallActivityAsync<TResult>(string name, object input, DateTimeOffset deadline)
    {
        int sequence = ++_sequence;
        var (found, recorded) = await checkpoints.TryGetAsync<TResult>(instanceId, sequence, name, stopping);
        if (found)
        {
            logger.LogInformation("Replayed {Activity} of {InstanceId} from its checkpoint", name, instanceId);
            return recorded!;
        }

        var result = await InvokeWithRetriesAsync<TResult>(name, input, deadline);
        await checkpoints.SaveAsync(instanceId, sequence, name, result, stopping);
        return result;
    }

    private async Task<TResult> InvokeWithRetriesAsync<TResult>(string name, object input, DateTimeOffset deadline)
    {
        for (int attempt = 1; ; attempt++)
        {
            var remaining = deadline - time.GetUtcNow();
            if (remaining <= TimeSpan.Zero)
            {
                throw new StepTimeoutException(name, deadline);
            }

            using var cts = CancellationTokenSource.CreateLinkedTokenSource(stopping);
            var call = activities.InvokeAsync(name, input, cts.Token);
            var timer = deadline == DateTimeOffset.MaxValue ? Task.Delay(Timeout.Infinite, stopping) : Task.Delay(remaining, time, stopping);
            if (await Task.WhenAny(call, timer) != call)
            {
                stopping.ThrowIfCancellationRequested();
                await cts.CancelAsync();
                _ = call.ContinueWith(t => _ = t.Exception, TaskScheduler.Default);
                throw new StepTimeoutException(name, deadline);
            }

            try
            {
                return (TResult)await call;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stopping.IsCancellationRequested)
            {
                if (!FailureClassifier.IsRetryableType(ex.GetType().FullName) || attempt >= retry.MaxAttempts)
                {
                    logger.LogError(ex, "Activity {Activity} of {InstanceId} failed on attempt {Attempt}", name, instanceId, attempt);
                    throw new ActivityFailedException(name, FailureClassifier.CodeOf(ex.GetType().FullName), ex.Message, ex);
                }

                var delay = retry.DelayAfter(attempt);
                logger.LogWarning(ex, "Activity {Activity} of {InstanceId} failed on attempt {Attempt}; retrying in {Delay}", name, instanceId, attempt, delay);
                await Task.Delay(delay, time, stopping);
            }
        }
    }

    public Task ReportAsync(RunUpdate update) =>
        CallActivityAsync<bool>(ActivityNames.RecordRun, update, DateTimeOffset.MaxValue);
}
