using DurableTask.Core.Exceptions;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using NetworkBuster.Training.Admissions;
using NetworkBuster.Training.Runs;
using NetworkBuster.Training.Workflow;

namespace NetworkBuster.Training.Orchestration;

/// <summary>
/// Starts the training orchestration for an admitted job, at most once per job id (the instance id); the one path
/// from admission to a running instance for queue messages and timers, in both hosts.
/// </summary>
/// <param name="runs">Run rows (the attempt counter).</param>
/// <param name="workflow">The retry policy a new instance starts with.</param>
/// <param name="logger">Logger.</param>
public sealed class OrchestrationStarter(RunStore runs, WorkflowOptions workflow, ILogger<OrchestrationStarter> logger)
{
    /// <summary>Applies <see cref="OrchestrationStartPolicy"/> to the existing instance, then schedules if it says so.</summary>
    /// <param name="client">The Durable client of the host.</param>
    /// <param name="admitted">The admission decision.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>What was decided; <see cref="StartDecision.AlreadyRunning"/> also when a concurrent start won.</returns>
    public async Task<StartDecision> StartAsync(DurableTaskClient client, Admission admitted, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(admitted);
        var existing = admitted.Outcome == AdmissionOutcome.Start
            ? await client.GetInstanceAsync(admitted.JobId, cancellationToken)
            : null;
        var decision = OrchestrationStartPolicy.Decide(admitted, StateOf(existing));
        logger.LogInformation("Job {JobId}: {Outcome}, instance {InstanceStatus}: {Decision}", admitted.JobId, admitted.Outcome, existing?.RuntimeStatus, decision);
        if (decision is not (StartDecision.Schedule or StartDecision.Restart))
        {
            return decision;
        }

        try
        {
            await client.ScheduleNewOrchestrationInstanceAsync(
                TrainingOrchestration.Name,
                new WorkflowInput(admitted.Job!, workflow.Retry),
                new StartOrchestrationOptions(admitted.JobId),
                cancellationToken);
        }
        catch (OrchestrationAlreadyExistsException)
        {
            // A concurrent delivery scheduled it between our read and our write: the job is running once.
            logger.LogInformation("Job {JobId} was started concurrently; this delivery is a duplicate", admitted.JobId);
            return StartDecision.AlreadyRunning;
        }

        await runs.SetAttemptAsync(admitted.JobId, admitted.Attempt, cancellationToken);
        return decision;
    }

    private static InstanceState StateOf(OrchestrationMetadata? instance) => instance?.RuntimeStatus switch
    {
        null => InstanceState.None,
        OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Pending or OrchestrationRuntimeStatus.Suspended => InstanceState.Active,
        _ => InstanceState.Ended,
    };
}
