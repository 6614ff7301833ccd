using Microsoft.Extensions.Logging;
using NetworkBuster.Training.Jobs;
using NetworkBuster.Training.Runs;
using NetworkBuster.Training.Workflow;

namespace NetworkBuster.Training.Hosting;

/// <summary>
/// The local host's equivalent of the Functions queue trigger plus orchestrator: admits a message or job and runs
/// the workflow in-process.
/// </summary>
/// <param name="admission">Validation, run rows, duplicate detection.</param>
/// <param name="activities">The workflow's activities.</param>
/// <param name="checkpoints">Finished steps of earlier attempts, replayed on restart.</param>
/// <param name="runs">Run rows (claims).</param>
/// <param name="options">Host settings.</param>
/// <param name="workflow">The retry policy.</param>
/// <param name="time">The clock.</param>
/// <param name="logger">Logger.</param>
public sealed class JobProcessor(
    JobAdmission admission,
    TrainingActivities activities,
    CheckpointStore checkpoints,
    RunStore runs,
    LocalHostOptions options,
    WorkflowOptions workflow,
    TimeProvider time,
    ILogger<JobProcessor> logger)
{
    /// <summary>This host instance's identity; each delivery it runs claims the job as <c>{Owner}/{suffix}</c>.</summary>
    public string Owner { get; } = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}";

    /// <summary>Handles one queue message's text.</summary>
    /// <param name="text">The message text.</param>
    /// <param name="messageId">The queue message id (the job id when the message has none).</param>
    /// <param name="stopping">Host shutdown.</param>
    /// <returns>The run's outcome; null when the message was a duplicate of a finished job.</returns>
    /// <exception cref="Exception">Transient failures propagate so the message is retried.</exception>
    public async Task<WorkflowResult?> ProcessMessageAsync(string text, string messageId, CancellationToken stopping)
    {
        var admitted = await admission.AdmitMessageAsync(text, messageId, stopping);
        return admitted.Outcome == AdmissionOutcome.Rejected
            ? new WorkflowResult(Runs.RunStatus.Failed, null, false, admitted.Failure)
            : await RunAdmittedAsync(admitted, Runs.RunTrigger.Queue, stopping);
    }

    /// <summary>Records and runs a validated job; a job id that already finished is not run again.</summary>
    public async Task<WorkflowResult?> RunAsync(TrainingJob job, string trigger, CancellationToken stopping) =>
        await RunAdmittedAsync(await admission.AdmitAsync(job, trigger, stopping), trigger, stopping);

    private async Task<WorkflowResult?> RunAdmittedAsync(Admission admitted, string trigger, CancellationToken stopping)
    {
        if (admitted.Outcome != AdmissionOutcome.Start)
        {
            return null;
        }

        var job = admitted.Job!;
        var claim = options.VisibilityTimeout / 2;

        // One owner per delivery, not per host: two deliveries of a job in one host must not both hold it.
        var owner = $"{Owner}/{Guid.NewGuid().ToString("N")[..6]}";
        if (!await runs.TryClaimAsync(job.JobId, owner, time.GetUtcNow(), time.GetUtcNow() + claim, stopping))
        {
            logger.LogInformation("Job {JobId} is being run by another host; this delivery is a duplicate", job.JobId);
            return null;
        }

        using var scope = logger.BeginScope(new Dictionary<string, object> { ["JobId"] = job.JobId, ["Model"] = job.Model });
        logger.LogInformation("Starting job {JobId} for {Model} (attempt {Attempt}, trigger {Trigger})", job.JobId, job.Model, admitted.Attempt, trigger);
        using var heartbeat = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var renewing = RenewClaimAsync(job.JobId, owner, claim, heartbeat.Token);
        try
        {
            await runs.SetAttemptAsync(job.JobId, admitted.Attempt, stopping);
            var context = new LocalWorkflowContext(job.JobId, activities, checkpoints, workflow.Retry, time, logger, stopping);
            var result = await TrainingWorkflow.RunAsync(context, new WorkflowInput(job, workflow.Retry));
            await checkpoints.DeleteAsync(job.JobId, CancellationToken.None);
            return result;
        }
        finally
        {
            await heartbeat.CancelAsync();
            await renewing;
            await ReleaseClaimAsync(job.JobId, owner);
        }
    }

    private async Task RenewClaimAsync(string jobId, string owner, TimeSpan claim, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                await Task.Delay(claim / 3, time, cancellationToken);
                try
                {
                    await runs.RenewClaimAsync(jobId, owner, time.GetUtcNow() + claim, CancellationToken.None);
                }
                catch (Exception ex) when (FailureClassifier.IsTransient(ex))
                {
                    logger.LogWarning(ex, "Could not renew the claim on {JobId}", jobId);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task ReleaseClaimAsync(string jobId, string owner)
    {
        try
        {
            await runs.RenewClaimAsync(jobId, owner, DateTimeOffset.UnixEpoch, CancellationToken.None);
        }
        catch (Exception ex) when (FailureClassifier.IsTransient(ex))
        {
            logger.LogWarning(ex, "Could not release the claim on {JobId}; it lapses by itself", jobId);
        }
    }
}
