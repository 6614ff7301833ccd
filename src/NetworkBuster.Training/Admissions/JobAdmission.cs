using Microsoft.Extensions.Logging;
using NetworkBuster.Training.Contracts;
using NetworkBuster.Training.Jobs;
using NetworkBuster.Training.Runs;

namespace NetworkBuster.Training.Admissions;

/// <summary>What to do with an accepted message or job.</summary>
public enum AdmissionOutcome
{
    /// <summary>Run (or resume) the workflow.</summary>
    Start,

    /// <summary>The job id already finished: a redelivery or a repeated submission; do nothing.</summary>
    Duplicate,

    /// <summary>The message is invalid; its run row records why; do not retry.</summary>
    Rejected,
}

/// <summary>The admission decision.</summary>
/// <param name="Outcome">What to do.</param>
/// <param name="JobId">The job id (from the message, or derived from the queue message id).</param>
/// <param name="Job">The valid job, unless rejected.</param>
/// <param name="Attempt">The attempt this start would be (starts so far + 1); written only when it starts.</param>
/// <param name="Failure">Why it was rejected.</param>
public sealed record Admission(AdmissionOutcome Outcome, string JobId, TrainingJob? Job, int Attempt, JobFailure? Failure);

/// <summary>
/// The first thing both hosts do with a message or a scheduled job: validate it, record its run row, and decide
/// whether it runs. Shared by the local host and the Functions queue and timer triggers.
/// </summary>
/// <param name="runs">Run rows.</param>
/// <param name="time">The clock.</param>
/// <param name="logger">Logger.</param>
public sealed class JobAdmission(RunStore runs, TimeProvider time, ILogger<JobAdmission> logger)
{
    /// <summary>Admits a queue message.</summary>
    /// <param name="text">The message text (plain JSON or base64).</param>
    /// <param name="messageId">The queue message id (the job id when the message has none).</param>
    /// <param name="cancellationToken">Cancellation.</param>
    public async Task<Admission> AdmitMessageAsync(string text, string messageId, CancellationToken cancellationToken = default)
    {
        var parsed = JobMessageParser.Parse(text, FallbackJobId(messageId));
        if (parsed.Job is { } job)
        {
            return await AdmitAsync(job, RunTrigger.Queue, cancellationToken);
        }

        var failure = parsed.Failure!;
        var now = time.GetUtcNow();
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
                CreatedAt = now,
                CompletedAt = now,
            },
            cancellationToken);
        logger.LogWarning(
            "Rejected message {MessageId} as job {JobId}: {ErrorCode} {ErrorMessage} (run row {RowState})",
            messageId, parsed.JobId, failure.Code, failure.Message, created ? "created" : "already existed as " + row.Status);
        return new Admission(AdmissionOutcome.Rejected, parsed.JobId, null, 0, failure);
    }

    /// <summary>Admits a validated job (from a message, a timer or the CLI).</summary>
    public async Task<Admission> AdmitAsync(TrainingJob job, string trigger, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        var (row, created) = await runs.CreateOrGetAsync(NewRow(job, trigger), cancellationToken);
        if (!created && RunStatus.IsTerminal(row.Status))
        {
            logger.LogInformation("Job {JobId} already finished with {Status}; not run again", job.JobId, row.Status);
            return new Admission(AdmissionOutcome.Duplicate, job.JobId, job, row.Attempt, null);
        }

        return new Admission(AdmissionOutcome.Start, job.JobId, job, row.Attempt + 1, null);
    }

    /// <summary>Records a message that exhausted its dequeues (moved to the poison queue) as a failed run.</summary>
    public async Task RecordPoisonAsync(string text, string messageId, long dequeueCount, string reason, CancellationToken cancellationToken = default)
    {
        var parsed = JobMessageParser.Parse(text, FallbackJobId(messageId));
        var now = time.GetUtcNow();
        var message = $"Moved to {Storage.StorageNames.PoisonQueue} after {dequeueCount} dequeue(s): {reason}";
        var (row, created) = await runs.CreateOrGetAsync(
            new TrainingRunRow { JobId = parsed.JobId, Model = parsed.Model, Status = RunStatus.Failed, ErrorCode = nameof(ErrorCode.StorageUnavailable), ErrorMessage = message, CreatedAt = now, CompletedAt = now, Progress = 100 },
            cancellationToken);
        if (!created && !RunStatus.IsTerminal(row.Status))
        {
            await runs.UpdateAsync(new RunUpdate(parsed.JobId, RunStatus.Failed, row.Step, 100, now) { ErrorCode = nameof(ErrorCode.StorageUnavailable), ErrorMessage = message }, cancellationToken);
        }

        logger.LogError("Message {MessageId} (job {JobId}) moved to {PoisonQueue}: {Reason}", messageId, parsed.JobId, Storage.StorageNames.PoisonQueue, reason);
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
        JobJson = JobMessageWriter.ToJson(job),
        InstanceId = job.JobId,
        CreatedAt = time.GetUtcNow(),
    };
}
