
namespace NetworkBuster.Training.Storage;

/// <summary>Creates the contract's containers, queues and tables when they are missing.</summary>
public static class StorageProvisioner
{
    /// <summary>Creates whatever is missing; safe to call on every start.</summary>
    public static async Task EnsureCreatedAsync(this StorageClients storage, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(storage);
        await Task.WhenAll(
            storage.Datasets.CreateIfNotExistsAsync(cancellationToken: cancellationToken),
            storage.Models.CreateIfNotExistsAsync(cancellationToken: cancellationToken),
            storage.Staging.CreateIfNotExistsAsync(cancellationToken: cancellationToken),
            storage.JobsQueue.CreateIfNotExistsAsync(cancellationToken: cancellationToken),
            storage.PoisonQueue.CreateIfNotExistsAsync(cancellationToken: cancellationToken),
            storage.Registry.CreateIfNotExistsAsync(cancellationToken),
            storage.Runs.CreateIfNotExistsAsync(cancellationToken),
            storage.History.CreateIfNotExistsAsync(cancellationToken));
    }
}
