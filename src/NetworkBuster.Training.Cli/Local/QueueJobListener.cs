using Azure.Storage.Queues.Models;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NetworkBuster.Training.Admissions;
using NetworkBuster.Training.Orchestration;
using NetworkBuster.Training.Storage;
using NetworkBuster.Training.Workflow;

namespace NetworkBuster.Training.Cli.Local;

/// <summary>
/// The local host's queue trigger, with Azure Functions' semantics and body: a message stays hidden while it is
/// admitted and its orchestration started (instance id = job id, exactly as <c>StartTrainingJob</c> does), is
/// deleted once the start is recorded, becomes visible again after a failure, and moves to
/// <c>ai-training-jobs-poison</c> after <see cref="LocalHostOptions.MaxDequeueCount"/> dequeues. The job itself runs
/// on the Durable engine, not here.
/// </summary>
/// <param name="storage">The storage account.</param>
/// <param name="admission">Validation, run rows, duplicates, poison records.</param>
/// <param name="starter">Starts the orchestration once per job id.</param>
/// <param name="client">The engine's client.</param>
/// <param name="options">Host settings.</param>
/// <param name="time">The clock.</param>
/// <param name="logger">Logger.</param>
public sealed class QueueJobListener(
    StorageClients storage,
    JobAdmission admission,
    OrchestrationStarter starter,
    DurableTaskClient client,
    LocalHostOptions options,
    TimeProvider time,
    ILogger<QueueJobListener> logger) : BackgroundService
{
    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await ProvisionAsync(stoppingToken);
        var idle = options.MinPollingInterval;
        logger.LogInformation("Listening on {Queue}; jobs run on the Durable engine with {Slots} training slot(s)", StorageNames.JobsQueue, options.MaxConcurrentJobs);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                QueueMessage[] messages;
                try
                {
                    messages = (await storage.JobsQueue.ReceiveMessagesAsync(16, options.VisibilityTimeout, stoppingToken)).Value;
                }
                catch (Exception ex) when (ex is not OperationCanceledException && FailureClassifier.IsTransient(ex))
                {
                    logger.LogWarning(ex, "Cannot read {Queue}; retrying in {Delay}", StorageNames.JobsQueue, options.MaxPollingInterval);
                    await Task.Delay(options.MaxPollingInterval, time, stoppingToken);
                    continue;
                }

                if (messages.Length == 0)
                {
                    await Task.Delay(idle, time, stoppingToken);
                    idle = TimeSpan.FromTicks(Math.Min(idle.Ticks * 2, options.MaxPollingInterval.Ticks));
                    continue;
                }

                idle = options.MinPollingInterval;
                await Task.WhenAll(messages.Select(m => HandleAsync(m, stoppingToken)));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down; a message being started is visible again when its visibility ends.
        }
    }

    private async Task HandleAsync(QueueMessage message, CancellationToken stoppingToken)
    {
        try
        {
            if (message.DequeueCount > options.MaxDequeueCount)
            {
                await PoisonAsync(message, "it was dequeued more times than allowed without starting", stoppingToken);
                return;
            }

            var admitted = await admission.AdmitMessageAsync(message.Body.ToString(), message.MessageId, stoppingToken);
            await starter.StartAsync(client, admitted, stoppingToken);
            await storage.JobsQueue.DeleteMessageAsync(message.MessageId, message.PopReceipt, CancellationToken.None);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            await ReleaseAsync(message, TimeSpan.Zero);
        }
        catch (Exception ex)
        {
            if (message.DequeueCount >= options.MaxDequeueCount)
            {
                await PoisonAsync(message, ex.Message, CancellationToken.None);
            }
            else
            {
                logger.LogWarning(ex, "Message {MessageId} failed on dequeue {DequeueCount}; retrying in {Delay}", message.MessageId, message.DequeueCount, options.RetryDelay);
                await ReleaseAsync(message, options.RetryDelay);
            }
        }
    }

    private async Task PoisonAsync(QueueMessage message, string reason, CancellationToken cancellationToken)
    {
        try
        {
            await storage.PoisonQueue.SendMessageAsync(message.Body.ToString(), cancellationToken);
            await storage.JobsQueue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
            await admission.RecordPoisonAsync(message.Body.ToString(), message.MessageId, message.DequeueCount, reason, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Could not move message {MessageId} to the poison queue; it will be redelivered", message.MessageId);
        }
    }

    private async Task ReleaseAsync(QueueMessage message, TimeSpan delay)
    {
        try
        {
            await storage.JobsQueue.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: delay, cancellationToken: CancellationToken.None);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Could not release message {MessageId}; it reappears when its visibility timeout ends", message.MessageId);
        }
    }

    private async Task ProvisionAsync(CancellationToken stoppingToken)
    {
        for (var delay = TimeSpan.FromSeconds(1); ; delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(30).Ticks)))
        {
            try
            {
                await storage.EnsureCreatedAsync(stoppingToken);
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Storage is not reachable yet; retrying in {Delay}", delay);
                await Task.Delay(delay, time, stoppingToken);
            }
        }
    }
}
