using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using NetworkBuster.Training.Contracts;
using NetworkBuster.Training.Runs;
using NetworkBuster.Training.Workflow;

namespace NetworkBuster.Training.Orchestration;

/// <summary>
/// Repairs run rows left <c>Pending</c> or <c>Running</c> whose orchestration instance has ended (it failed while
/// storage was down, or was terminated): the row takes the instance's outcome. Run on start-up and on a timer.
/// </summary>
/// <param name="runs">Run rows.</param>
/// <param name="time">The clock.</param>
/// <param name="logger">Logger.</param>
public sealed class RunReconciler(RunStore runs, TimeProvider time, ILogger<RunReconciler> logger)
{
    /// <summary>Checks every unfinished run against its instance.</summary>
    /// <param name="client">The Durable client of the host.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>How many rows were repaired.</returns>
    public async Task<int> ReconcileAsync(DurableTaskClient client, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        int repaired = 0;
        foreach (var status in new[] { RunStatus.Running, RunStatus.Pending })
        {
            foreach (var row in await runs.ListAsync(status, int.MaxValue, cancellationToken))
            {
                var instance = await client.GetInstanceAsync(row.JobId, getInputsAndOutputs: true, cancellationToken);
                if (instance is not { IsCompleted: true })
                {
                    continue;
                }

                var update = Repair(row, instance, time.GetUtcNow());
                await runs.UpdateAsync(update, cancellationToken);
                logger.LogWarning(
                    "Run {JobId} was {Status} but its instance ended {InstanceStatus}; recorded {NewStatus} {ErrorCode}",
                    row.JobId, row.Status, instance.RuntimeStatus, update.Status, update.ErrorCode);
                repaired++;
            }
        }

        return repaired;
    }

    private static RunUpdate Repair(TrainingRunRow row, OrchestrationMetadata instance, DateTimeOffset now)
    {
        if (instance.RuntimeStatus == OrchestrationRuntimeStatus.Completed && instance.ReadOutputAs<WorkflowResult>() is { } result)
        {
            return new RunUpdate(row.JobId, result.Status, row.Step, 100, now)
            {
                Version = result.Version,
                ErrorCode = result.Failure?.Code.ToString(),
                ErrorMessage = result.Failure?.Message,
            };
        }

        bool terminated = instance.RuntimeStatus == OrchestrationRuntimeStatus.Terminated;
        return new RunUpdate(row.JobId, terminated ? RunStatus.Cancelled : RunStatus.Failed, row.Step, 100, now)
        {
            ErrorCode = terminated ? null : nameof(ErrorCode.TrainingFailed),
            ErrorMessage = terminated
                ? $"The orchestration was terminated during step '{row.Step}'."
                : $"Expected the orchestration to record its end, but it ended {instance.RuntimeStatus} during step '{row.Step}': {instance.FailureDetails?.ErrorMessage ?? "no failure details"}.",
        };
    }
}
