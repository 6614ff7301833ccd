using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using NetworkBuster.Training.Hosting;
using NetworkBuster.Training.Workflow;

namespace NetworkBuster.Training.Functions;

/// <summary>Starts the training orchestration for an admitted job, at most once per job id (the instance id).</summary>
internal static class OrchestrationStarter
{
    /// <summary>Applies <see cref="OrchestrationStartPolicy"/> to the existing instance, then schedules if it says so.</summary>
    public static async Task StartAsync(DurableTaskClient client, Admission admitted, ILogger logger, CancellationToken cancellationToken)
    {
        var existing = admitted.Outcome == AdmissionOutcome.Start
            ? await client.GetInstanceAsync(admitted.JobId, cancellationToken)
            : null;
        var decision = OrchestrationStartPolicy.Decide(admitted, StateOf(existing));
        logger.LogInformation("Job {JobId}: {Outcome}, instance {InstanceStatus}: {Decision}", admitted.JobId, admitted.Outcome, existing?.RuntimeStatus, decision);
        if (decision is not (StartDecision.Schedule or StartDecision.Restart))
        {
            return;
        }

        try
        {
            await client.ScheduleNewOrchestrationInstanceAsync(
                nameof(TrainingOrchestrator),
                new WorkflowInput(admitted.Job!),
                new StartOrchestrationOptions(admitted.JobId),
                cancellationToken);
        }
        catch (InvalidOperationException ex) when (ex.GetType().Name == "OrchestrationAlreadyExistsException")
        {
            // A concurrent delivery scheduled it between our read and our write: the job is running once.
            logger.LogInformation("Job {JobId} was started concurrently; this delivery is a duplicate", admitted.JobId);
        }
    }

    private static InstanceState StateOf(OrchestrationMetadata? instance) => instance?.RuntimeStatus switch
    {
        null => InstanceState.None,
        OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Pending or OrchestrationRuntimeStatus.Suspended => InstanceState.Active,
        _ => InstanceState.Ended,
    };
}
