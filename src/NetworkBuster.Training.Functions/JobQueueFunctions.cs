using Azure.Storage.Queues.Models;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using NetworkBuster.Training.Admissions;
using NetworkBuster.Training.Orchestration;
using NetworkBuster.Training.Storage;

namespace NetworkBuster.Training.Functions;

/// <summary>The queue triggers: jobs in, and failures that exhausted their retries.</summary>
/// <param name="admission">Validation, run rows, duplicate detection (core).</param>
/// <param name="starter">Starts the orchestration once per job id.</param>
/// <param name="logger">Logger.</param>
public sealed class JobQueueFunctions(JobAdmission admission, OrchestrationStarter starter, ILogger<JobQueueFunctions> logger)
{
    /// <summary>
    /// A message on <c>ai-training-jobs</c> (plain JSON or base64; host.json sets <c>messageEncoding: none</c> and the
    /// core decodes either). An invalid message is recorded as a Failed run and completes (no retry). A valid one gets
    /// a run row and an orchestration whose instance id is the job id, unless one is already running or finished.
    /// Transient failures throw: the runtime retries up to <c>maxDequeueCount</c> (3), then moves the message to
    /// <c>ai-training-jobs-poison</c>.
    /// </summary>
    [Function(nameof(StartTrainingJob))]
    public async Task StartTrainingJob(
        [QueueTrigger(StorageNames.JobsQueue, Connection = StorageNames.ConnectionSetting)] QueueMessage message,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
    {
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["MessageId"] = message.MessageId, ["DequeueCount"] = message.DequeueCount });
        var admitted = await admission.AdmitMessageAsync(message.Body.ToString(), message.MessageId, cancellationToken);
        await starter.StartAsync(client, admitted, cancellationToken);
    }

    /// <summary>
    /// A message moved to <c>ai-training-jobs-poison</c>: its run is recorded as Failed (StorageUnavailable) so no
    /// accepted job is left without an end state. A poison queue has no poison queue of its own, so this function
    /// never throws (a throw would retry it forever).
    /// </summary>
    [Function(nameof(RecordPoisonedJob))]
    public async Task RecordPoisonedJob(
        [QueueTrigger(StorageNames.PoisonQueue, Connection = StorageNames.ConnectionSetting)] QueueMessage message,
        CancellationToken cancellationToken)
    {
        try
        {
            // The poison copy is a new message; the original's dequeues are host.json's maxDequeueCount (pinned equal).
            await admission.RecordPoisonAsync(message.Body.ToString(), message.MessageId, StorageNames.MaxDequeueCount, "the queue trigger failed on every attempt", cancellationToken);
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Could not record poisoned message {MessageId}; it stays in {PoisonQueue} for an operator", message.MessageId, StorageNames.PoisonQueue);
        }
    }
}
