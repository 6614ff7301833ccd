using Azure.Storage.Queues;

namespace NetworkBuster.Training.Tests.Infrastructure;

/// <summary>Waiting on a real queue.</summary>
public static class QueueAssertions
{
    /// <summary>Fails unless the queue holds no message (visible or hidden) within <paramref name="timeout"/>.</summary>
    public static async Task WaitForEmptyAsync(QueueClient queue, TimeSpan? timeout = null)
    {
        var until = DateTime.UtcNow + (timeout ?? TimeSpan.FromMinutes(1));
        while (DateTime.UtcNow < until)
        {
            if ((await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount == 0)
            {
                return;
            }

            await Task.Delay(250);
        }

        Assert.Fail($"The queue {queue.Name} did not drain.");
    }
}
