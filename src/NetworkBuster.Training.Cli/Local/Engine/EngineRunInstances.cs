using DurableTask.AzureStorage;
using Microsoft.Extensions.Configuration;
using NetworkBuster.Training.Api;

namespace NetworkBuster.Training.Cli.Local.Engine;

/// <summary>
/// Runs' instances in a task hub, straight from its storage (no engine needs to run in this process): the CLI's
/// <see cref="IRunInstances"/>. A termination is a message on the hub's control queue, which the host running the
/// instance carries out.
/// </summary>
/// <param name="configuration">The storage settings.</param>
/// <param name="taskHub">The task hub.</param>
public sealed class EngineRunInstances(IConfiguration configuration, string taskHub) : IRunInstances, IDisposable
{
    private readonly AzureStorageOrchestrationService _service = new(LocalDurableEngine.Settings(configuration, new LocalHostOptions { TaskHub = taskHub }));

    /// <inheritdoc />
    public void Dispose() => _service.Dispose();

    /// <inheritdoc />
    public async Task<RunInstance?> GetAsync(string jobId, CancellationToken cancellationToken = default)
    {
        var state = (await _service.GetOrchestrationStateAsync(jobId, allExecutions: false)).FirstOrDefault();
        return state is null ? null : new RunInstance(state.OrchestrationStatus.ToString(), state.Status, state.CreatedTime, state.LastUpdatedTime);
    }

    /// <inheritdoc />
    public async Task TerminateAsync(string jobId, string reason, CancellationToken cancellationToken = default)
    {
        var state = (await _service.GetOrchestrationStateAsync(jobId, allExecutions: false)).FirstOrDefault();
        if (state?.OrchestrationStatus is DurableTask.Core.OrchestrationStatus.Pending or DurableTask.Core.OrchestrationStatus.Running or DurableTask.Core.OrchestrationStatus.Suspended)
        {
            await _service.ForceTerminateTaskOrchestrationAsync(jobId, reason);
        }
    }
}
