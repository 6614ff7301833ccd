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
}
