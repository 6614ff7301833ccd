using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NetworkBuster.Training.Storage;
using NetworkBuster.Training.Workflow;

namespace NetworkBuster.Training.Hosting;

/// <summary>
/// The local host's queue trigger, with Azure Functions' semantics: a message stays hidden while its job runs
/// (its visibility is renewed), is deleted when the job ends in a recorded state, becomes visible again after a
/// failure, and moves to <c>ai-training-jobs-poison</c> after <see cref="LocalHostOptions.MaxDequeueCount"/> dequeues.
/// </summary>
/// <param name="storage">The storage account.</param>
/// <param name="processor">Runs jobs.</param>
/// <param name="admission">Records poison messages.</param>
/// <param name="options">Host settings.</param>
/// <param name="time">The clock.</param>
/// <param name="logger">Logger.</param>
public sealed class QueueJobListener(StorageClients storage, JobProcessor processor, JobAdmission admission, LocalHostOptions options, TimeProvider time, ILogger<QueueJobListener> logger)
    : BackgroundService
{
    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await ProvisionAsync(stoppingToken);
        using var slots = new SemaphoreSlim(options.MaxConcurrentJobs);
        var running = new List<Task>();
        var idle = options.MinPollingInterval;
        logger.LogInformation("Listening on {Queue} with {Slots} job slot(s)", StorageNames.JobsQueue, options.MaxConcurrentJobs);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await slots.WaitAsync(stoppingToken);
                QueueMessage[] messages;
                try
                {
                    int free = slots.CurrentCount + 1;
                    messages = (await storage.JobsQueue.ReceiveMessagesAsync(Math.Min(32, free), options.VisibilityTimeout, stoppingToken)).Value;
                }
                catch (Exception ex) when (ex is not OperationCanceledException && FailureClassifier.IsTransient(ex))
                {
                    slots.Release();
                    logger.LogWarning(ex, "Cannot read {Queue}; retrying in {Delay}", StorageNames.JobsQueue, options.MaxPollingInterval);
                    await Task.Delay(options.MaxPollingInterval, time, stoppingToken);
                    continue;
                }

                if (messages.Length == 0)
                {
                    slots.Release();
                    await Task.Delay(idle, time, stoppingToken);
                    idle = TimeSpan.FromTicks(Math.Min(idle.Ticks * 2, options.MaxPollingInterval.Ticks));
                    continue;
                }

                idle = options.MinPollingInterval;
                for (int i = 0; i < messages.Length; i++)
                {
                    if (i > 0 && !slots.Wait(0, CancellationToken.None))
                    {
                        // More messages than slots: let the extras become visible again soon.
                        await ReleaseAsync(messages[i], TimeSpan.Zero, stoppingToken);
                        continue;
                    }

                    var message = messages[i];
                    running.Add(Task.Run(() => HandleAsync(message, slots, stoppingToken), CancellationToken.None));
                }

                running.RemoveAll(t => t.IsCompleted);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: let the jobs in flight release their messages before the host exits.
        }

        await Task.WhenAll(running);
    }

    private async Task HandleAsync(QueueMessage message, SemaphoreSlim slots, CancellationToken stoppingToken)
    {
        await using var lease = new MessageLease(storage.JobsQueue, message, options.VisibilityTimeout, time, logger);
        try
        {
            if (message.DequeueCount > options.MaxDequeueCount)
            {
                await PoisonAsync(message, "it was dequeued more times than allowed without completing", stoppingToken);
                return;
            }

            lease.Start();
            await processor.ProcessMessageAsync(message.Body.ToString(), message.MessageId, stoppingToken);
            await lease.StopAsync();
            await storage.JobsQueue.DeleteMessageAsync(message.MessageId, lease.PopReceipt, CancellationToken.None);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            await lease.StopAsync();
            logger.LogInformation("Shutting down: releasing message {MessageId} for redelivery", message.MessageId);
            await ReleaseAsync(message, TimeSpan.Zero, CancellationToken.None, lease.PopReceipt);
        }
        catch (Exception ex)
        {
            await lease.StopAsync();
            if (message.DequeueCount >= options.MaxDequeueCount)
            {
                await PoisonAsync(message, ex.Message, CancellationToken.None, lease.PopReceipt);
            }
            else
            {
                logger.LogWarning(ex, "Message {MessageId} failed on dequeue {DequeueCount}; retrying in {Delay}", message.MessageId, message.DequeueCount, options.RetryDelay);
                await ReleaseAsync(message, options.RetryDelay, CancellationToken.None, lease.PopReceipt);
            }
        }
        finally
        {
            slots.Release();
        }
    }

    private async Task PoisonAsync(QueueMessage message, string reason, CancellationToken cancellationToken, string? popReceipt = null)
    {
        try
        {
            await storage.PoisonQueue.SendMessageAsync(message.Body.ToString(), cancellationToken);
            await storage.JobsQueue.DeleteMessageAsync(message.MessageId, popReceipt ?? message.PopReceipt, cancellationToken);
            await admission.RecordPoisonAsync(message.Body.ToString(), message.MessageId, message.DequeueCount, reason, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Could not move message {MessageId} to the poison queue; it will be redelivered", message.MessageId);
        }
    }

    private async Task ReleaseAsync(QueueMessage message, TimeSpan delay, CancellationToken cancellationToken, string? popReceipt = null)
    {
        try
        {
            await storage.JobsQueue.UpdateMessageAsync(message.MessageId, popReceipt ?? message.PopReceipt, visibilityTimeout: delay, cancellationToken: cancellationToken);
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
