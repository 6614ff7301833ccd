using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Logging;

namespace NetworkBuster.Training.Hosting;

/// <summary>Keeps a received message hidden while its job runs by renewing its visibility, tracking the pop receipt.</summary>
/// <param name="queue">The queue.</param>
/// <param name="message">The message.</param>
/// <param name="visibility">The visibility each renewal grants.</param>
/// <param name="time">The clock.</param>
/// <param name="logger">Logger.</param>
internal sealed class MessageLease(QueueClient queue, QueueMessage message, TimeSpan visibility, TimeProvider time, ILogger logger) : IAsyncDisposable
{
    private readonly CancellationTokenSource _renewal = new();
    private Task _loop = Task.CompletedTask;

    /// <summary>The latest pop receipt (each renewal issues a new one).</summary>
    public string PopReceipt { get; private set; } = message.PopReceipt;

    /// <summary>Starts renewing at a third of the visibility timeout, until <see cref="StopAsync"/>.</summary>
    public void Start()
    {
        var token = _renewal.Token;
        _loop = Task.Run(
            async () =>
            {
                while (true)
                {
                    await Task.Delay(visibility / 3, time, token);
                    try
                    {
                        // Not cancellable: a renewal cut off mid-flight would leave an unknown pop receipt.
                        var receipt = await queue.UpdateMessageAsync(message.MessageId, PopReceipt, visibilityTimeout: visibility, cancellationToken: CancellationToken.None);
                        PopReceipt = receipt.Value.PopReceipt;
                    }
                    catch (Exception ex)
                    {
                        logger.LogWarning(ex, "Could not renew the visibility of message {MessageId}", message.MessageId);
                    }
                }
            },
            CancellationToken.None);
    }

    /// <summary>Stops renewing and waits for a renewal in flight, so <see cref="PopReceipt"/> is final. Idempotent.</summary>
    public async Task StopAsync()
    {
        if (!_renewal.IsCancellationRequested)
        {
            await _renewal.CancelAsync();
        }

        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _renewal.Dispose();
    }
}
