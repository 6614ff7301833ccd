using Azure.Core;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;

namespace NetworkBuster.Training.Storage;

/// <summary>The three service clients of the one storage account the pipeline uses.</summary>
/// <param name="Blobs">Blob service (datasets, models, staging).</param>
/// <param name="Queues">Queue service (jobs, poison); messages are read and written as plain text.</param>
/// <param name="Tables">Table service (registry, runs).</param>
public sealed record StorageClients(BlobServiceClient Blobs, QueueServiceClient Queues, TableServiceClient Tables)
{
    /// <summary>The datasets container.</summary>
    public BlobContainerClient Datasets => Blobs.GetBlobContainerClient(StorageNames.DatasetsContainer);

    /// <summary>The models container.</summary>
    public BlobContainerClient Models => Blobs.GetBlobContainerClient(StorageNames.ModelsContainer);

    /// <summary>The staging container.</summary>
    public BlobContainerClient Staging => Blobs.GetBlobContainerClient(StorageNames.StagingContainer);

    /// <summary>The jobs queue.</summary>
    public QueueClient JobsQueue => Queues.GetQueueClient(StorageNames.JobsQueue);

    /// <summary>The poison queue.</summary>
    public QueueClient PoisonQueue => Queues.GetQueueClient(StorageNames.PoisonQueue);

    /// <summary>The registry table.</summary>
    public TableClient Registry => Tables.GetTableClient(StorageNames.RegistryTable);

    /// <summary>The promotion history table.</summary>
    public TableClient History => Tables.GetTableClient(StorageNames.HistoryTable);

    /// <summary>The runs table.</summary>
    public TableClient Runs => Tables.GetTableClient(StorageNames.RunsTable);

    /// <summary>Creates the clients from a connection string (<c>UseDevelopmentStorage=true</c> included).</summary>
    public static StorageClients FromConnectionString(string connectionString, int maxRetries = DefaultMaxRetries) => new(
        new BlobServiceClient(connectionString, Configure(new BlobClientOptions(), maxRetries)),
        new QueueServiceClient(connectionString, Configure(new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None }, maxRetries)),
        new TableServiceClient(connectionString, Configure(new TableClientOptions(), maxRetries)));

    /// <summary>Creates identity-based clients from service endpoints.</summary>
    public static StorageClients FromEndpoints(Uri blob, Uri queue, Uri table, TokenCredential credential, int maxRetries = DefaultMaxRetries) => new(
        new BlobServiceClient(blob, credential, Configure(new BlobClientOptions(), maxRetries)),
        new QueueServiceClient(queue, credential, Configure(new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None }, maxRetries)),
        new TableServiceClient(table, credential, Configure(new TableClientOptions(), maxRetries)));

    /// <summary>Retries of each storage request before it fails (setting <c>Training:Storage:MaxRetries</c>).</summary>
    public const int DefaultMaxRetries = 6;

    private static T Configure<T>(T options, int maxRetries)
        where T : Azure.Core.ClientOptions
    {
        // Ride out short outages (a restarted emulator, a throttled account) before a step fails.
        options.Retry.Mode = RetryMode.Exponential;
        options.Retry.MaxRetries = maxRetries;
        options.Retry.Delay = TimeSpan.FromMilliseconds(500);
        options.Retry.MaxDelay = TimeSpan.FromSeconds(15);
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(100);
        return options;
    }
}
