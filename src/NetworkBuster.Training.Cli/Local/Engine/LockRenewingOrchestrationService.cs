using System.Collections.Concurrent;
using DurableTask.Core;
using Microsoft.Extensions.Logging;

namespace NetworkBuster.Training.Cli.Local.Engine;

/// <summary>
/// The Azure Storage orchestration service with activity work-item locks renewed while an activity runs. The gRPC
/// sidecar's dispatcher never renews them, so without this an activity longer than the work-item visibility timeout
/// would be delivered a second time and its completion refused (<c>PopReceiptMismatch</c>). Short locks stay, so a
/// crashed host's activity comes back quickly.
/// </summary>
/// <param name="inner">The real service.</param>
/// <param name="renewEvery">How often a running activity's lock is renewed (a third of its visibility timeout).</param>
/// <param name="logger">Logger.</param>
internal sealed class LockRenewingOrchestrationService(IOrchestrationService inner, TimeSpan renewEvery, ILogger logger) : IOrchestrationService
{
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(15);
    private readonly ConcurrentDictionary<TaskActivityWorkItem, Renewal> _renewals = new();

    public int TaskOrchestrationDispatcherCount => inner.TaskOrchestrationDispatcherCount;

    public int MaxConcurrentTaskOrchestrationWorkItems => inner.MaxConcurrentTaskOrchestrationWorkItems;

    public BehaviorOnContinueAsNew EventBehaviourForContinueAsNew => inner.EventBehaviourForContinueAsNew;

    public int TaskActivityDispatcherCount => inner.TaskActivityDispatcherCount;

    public int MaxConcurrentTaskActivityWorkItems => inner.MaxConcurrentTaskActivityWorkItems;

    public async Task<TaskActivityWorkItem> LockNextTaskActivityWorkItem(TimeSpan receiveTimeout, CancellationToken cancellationToken)
    {
        var workItem = await inner.LockNextTaskActivityWorkItem(receiveTimeout, cancellationToken);
        if (workItem is not null)
        {
            var renewal = new Renewal();
            _renewals[workItem] = renewal;
            _ = RenewAsync(workItem, renewal);
        }

        return workItem!;
    }

    public async Task CompleteTaskActivityWorkItemAsync(TaskActivityWorkItem workItem, TaskMessage responseMessage)
    {
        await StopRenewingAsync(workItem);
        await inner.CompleteTaskActivityWorkItemAsync(workItem, responseMessage);
    }

    public async Task AbandonTaskActivityWorkItemAsync(TaskActivityWorkItem workItem)
    {
        await StopRenewingAsync(workItem);
        await inner.AbandonTaskActivityWorkItemAsync(workItem);
    }

    public Task<TaskActivityWorkItem> RenewTaskActivityWorkItemLockAsync(TaskActivityWorkItem workItem) => inner.RenewTaskActivityWorkItemLockAsync(workItem);

    public Task StartAsync() => inner.StartAsync();

    public Task StopAsync() => StopAsync(isForced: false);

    // The Azure Storage backend first drains the control-queue messages it prefetched, and waits up to 10 minutes
    // for that before throwing from the sidecar's stopping callback, a thread-pool exception that ends the process.
    // Once the worker has gone nothing will process them, and they are still in their queue for the next host, so
    // the stop waits a bounded time and leaves the rest to the backend (seen once in a loaded test run: a test
    // process ended by "Timed-out waiting for the partition manager to shut down").
    public async Task StopAsync(bool isForced)
    {
        var stop = inner.StopAsync(isForced);
        if (await Task.WhenAny(stop, Task.Delay(StopGrace)) == stop)
        {
            await stop;
            return;
        }

        _ = stop.ContinueWith(t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        logger.LogWarning("The engine did not stop within {Seconds} s; undelivered orchestration messages stay in their queue for the next host", StopGrace.TotalSeconds);
    }

    public Task CreateAsync() => inner.CreateAsync();

    public Task CreateAsync(bool recreateInstanceStore) => inner.CreateAsync(recreateInstanceStore);

    public Task CreateIfNotExistsAsync() => inner.CreateIfNotExistsAsync();

    public Task DeleteAsync() => inner.DeleteAsync();

    public Task DeleteAsync(bool deleteInstanceStore) => inner.DeleteAsync(deleteInstanceStore);

    public bool IsMaxMessageCountExceeded(int currentMessageCount, OrchestrationRuntimeState runtimeState) => inner.IsMaxMessageCountExceeded(currentMessageCount, runtimeState);

    public int GetDelayInSecondsAfterOnProcessException(Exception exception) => inner.GetDelayInSecondsAfterOnProcessException(exception);

    public int GetDelayInSecondsAfterOnFetchException(Exception exception) => inner.GetDelayInSecondsAfterOnFetchException(exception);

    public Task<TaskOrchestrationWorkItem> LockNextTaskOrchestrationWorkItemAsync(TimeSpan receiveTimeout, CancellationToken cancellationToken) =>
        inner.LockNextTaskOrchestrationWorkItemAsync(receiveTimeout, cancellationToken);

    public Task RenewTaskOrchestrationWorkItemLockAsync(TaskOrchestrationWorkItem workItem) => inner.RenewTaskOrchestrationWorkItemLockAsync(workItem);

    public Task CompleteTaskOrchestrationWorkItemAsync(
        TaskOrchestrationWorkItem workItem,
        OrchestrationRuntimeState newOrchestrationRuntimeState,
        IList<TaskMessage> outboundMessages,
        IList<TaskMessage> orchestratorMessages,
        IList<TaskMessage> timerMessages,
        TaskMessage continuedAsNewMessage,
        OrchestrationState orchestrationState) =>
        inner.CompleteTaskOrchestrationWorkItemAsync(workItem, newOrchestrationRuntimeState, outboundMessages, orchestratorMessages, timerMessages, continuedAsNewMessage, orchestrationState);

    public Task AbandonTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem) => inner.AbandonTaskOrchestrationWorkItemAsync(workItem);

    public Task ReleaseTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem) => inner.ReleaseTaskOrchestrationWorkItemAsync(workItem);

    private async Task RenewAsync(TaskActivityWorkItem workItem, Renewal renewal)
    {
        try
        {
            while (true)
            {
                await Task.Delay(renewEvery, renewal.Stop.Token);

                // A renewal issues a new pop receipt: never let one overlap the completion.
                await renewal.Gate.WaitAsync(renewal.Stop.Token);
                try
                {
                    await inner.RenewTaskActivityWorkItemLockAsync(workItem);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.LogWarning(ex, "Could not renew the lock of activity work item {WorkItemId}; it may be delivered again", workItem.Id);
                }
                finally
                {
                    renewal.Gate.Release();
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task StopRenewingAsync(TaskActivityWorkItem workItem)
    {
        if (_renewals.TryRemove(workItem, out var renewal))
        {
            await renewal.Stop.CancelAsync();
            await renewal.Gate.WaitAsync();
        }
    }

    private sealed class Renewal
    {
        public CancellationTokenSource Stop { get; } = new();

        public SemaphoreSlim Gate { get; } = new(1, 1);
    }
}
