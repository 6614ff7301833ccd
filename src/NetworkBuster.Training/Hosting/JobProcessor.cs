using System.Text.Json;
using Microsoft.Extensions.Logging;
using NetworkBuster.Training.Datasets;
using NetworkBuster.Training.Jobs;
using NetworkBuster.Training.Runs;
using NetworkBuster.Training.Workflow;

namespace NetworkBuster.Training.Hosting;

/// <summary>
/// Accepts a job (from a queue message, a timer or the CLI), records its run row, and runs the workflow in-process.
/// Invalid messages are recorded as failed and not retried; a job id already finished is not run again.
/// </summary>
/// <param name="runs">Run rows.</param>
/// <param name="activities">The workflow's activities.</param>
/// <param name="options">Retry settings.</param>
/// <param name="time">The clock.</param>
/// <param name="logger">Logger.</param>
public sealed class JobProcessor(RunStore runs, TrainingActivities activities, LocalHostOptions options, TimeProvider time, ILogger<JobProcessor> logger)
{
    /// <summary>Handles one queue message's text.</summary>
    /// <param name="text">The message text.</param>
    /// <param name="messageId">The queue message id (the job id when the message has none).</param>
    /// <param name="stopping">Host shutdown.</param>
    /// <returns>The run's outcome; null when the message was a duplicate of a finished job.</returns>
    /// <exception cref="Exception">Transient failures propagate so the message is retried.</exception>
    public async Task<WorkflowResult?> ProcessMessageAsync(string text, string messageId, CancellationToken stopping)
    {
        var parsed = JobMessageParser.Parse(text, FallbackJobId(messageId));
        if (parsed.Job is not { } job)
        {
            var failure = parsed.Failure!;
            var (row, created) = await runs.CreateOrGetAsync(
                new TrainingRunRow
                {
                    JobId = parsed.JobId,
                    Model = parsed.Model,
                    Status = RunStatus.Failed,
                    ErrorCode = failure.Code.ToString(),
                    ErrorMessage = failure.Message,
                    Trigger = RunTrigger.Queue,
                    Progress = 100,
                    CreatedAt = time.GetUtcNow(),
                    CompletedAt = time.GetUtcNow(),
                },
                stopping);
            logger.LogWarning(
                "Rejected message {MessageId} as job {JobId}: {ErrorCode} {ErrorMessage}{Note}",
                messageId, parsed.JobId, failure.Code, failure.Message, created ? "" : $" (run row already existed with status {row.Status}; left as is)");
            return new WorkflowResult(RunStatus.Failed, null, false, failure);
        }

        return await RunAsync(job, RunTrigger.Queue, stopping);
    }

    /// <summary>Records and runs a validated job; a job id that already finished is not run again.</summary>
    public async Task<WorkflowResult?> RunAsync(TrainingJob job, string trigger, CancellationToken stopping)
    {
        ArgumentNullException.ThrowIfNull(job);
        var (row, created) = await runs.CreateOrGetAsync(NewRow(job, trigger), stopping);
        if (!created && RunStatus.IsTerminal(row.Status))
        {
            logger.LogInformation("Job {JobId} already finished with {Status}; duplicate delivery ignored", job.JobId, row.Status);
            return null;
        }

        int attempt = row.Attempt + 1;
        await runs.SetAttemptAsync(job.JobId, attempt, stopping);
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["JobId"] = job.JobId, ["Model"] = job.Model });
        logger.LogInformation("Starting job {JobId} for {Model} (attempt {Attempt}, trigger {Trigger})", job.JobId, job.Model, attempt, trigger);
        var context = new LocalWorkflowContext(job.JobId, activities, options, time, logger, stopping);
        return await TrainingWorkflow.RunAsync(context, new WorkflowInput(job));
    }

    /// <summary>The job id of a message that has none: stable across redeliveries of the same message.</summary>
    public static string FallbackJobId(string messageId) =>
        "msg-" + new string([.. (messageId ?? "").ToLowerInvariant().Where(c => char.IsAsciiLetterOrDigit(c) || c == '-').Take(59)]);

    private TrainingRunRow NewRow(TrainingJob job, string trigger) => new()
    {
        JobId = job.JobId,
        Model = job.Model,
        Dataset = job.Dataset,
        Trainer = job.Trainer,
        Status = RunStatus.Pending,
        Trigger = trigger,
        Priority = job.Priority.ToString().ToLowerInvariant(),
        TimeoutMinutes = job.TimeoutMinutes,
        JobJson = JsonSerializer.Serialize(job, SnapshotStore.Json),
        InstanceId = job.JobId,
        CreatedAt = time.GetUtcNow(),
    };
}
