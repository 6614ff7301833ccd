using Microsoft.DurableTask.Client;
using NetworkBuster.Training.Api;

namespace NetworkBuster.Training.Orchestration;

/// <summary>Runs' Durable instances read through a host's Durable client (the Functions binding's, or the local engine's).</summary>
/// <param name="client">The Durable client.</param>
public sealed class DurableRunInstances(DurableTaskClient client) : IRunInstances
{
    /// <inheritdoc />
    public async Task<RunInstance?> GetAsync(string jobId, CancellationToken cancellationToken = default)
    {
        var instance = await client.GetInstanceAsync(jobId, getInputsAndOutputs: true, cancellationToken);
        return instance is null
            ? null
            : new RunInstance(instance.RuntimeStatus.ToString(), instance.SerializedCustomStatus, instance.CreatedAt, instance.LastUpdatedAt);
    }

    /// <inheritdoc />
    public async Task TerminateAsync(string jobId, string reason, CancellationToken cancellationToken = default)
    {
        var instance = await client.GetInstanceAsync(jobId, getInputsAndOutputs: false, cancellationToken);
        if (instance is { RuntimeStatus: OrchestrationRuntimeStatus.Pending or OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Suspended })
        {
            await client.TerminateInstanceAsync(jobId, new TerminateInstanceOptions { Output = reason }, cancellationToken);
        }
    }
}
