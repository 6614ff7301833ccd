using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using NetworkBuster.Training.Storage;

namespace NetworkBuster.Training.Tests.Infrastructure;

/// <summary>
/// A gate in the blob client's HTTP pipeline, in front of real Azurite: a write of a version's <c>report.html</c>
/// waits at it until released, or is refused as storage refuses a request it will not take (HTTP 403). Everything
/// else passes. A test hands <see cref="Storage"/> to the host, so the host's own steps meet the gate.
/// </summary>
public sealed class ReportUploadGate : HttpPipelinePolicy
{
    private readonly TaskCompletionSource _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ReportUploadGate(string connection, bool refuse)
    {
        Refuse = refuse;
        var blobs = new BlobClientOptions();
        blobs.AddPolicy(this, HttpPipelinePosition.PerCall);
        Storage = new StorageClients(
            new BlobServiceClient(connection, blobs),
            new QueueServiceClient(connection, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None }),
            new TableServiceClient(connection));
    }

    /// <summary>Whether report writes are refused (else held).</summary>
    public bool Refuse { get; }

    /// <summary>Storage clients whose report writes meet the gate.</summary>
    public StorageClients Storage { get; }

    /// <summary>Completes when the first report write reaches the gate.</summary>
    public Task Arrived => _arrived.Task;

    /// <summary>Holds report writes until <see cref="Release"/>.</summary>
    public static ReportUploadGate Holding(string connection) => new(connection, refuse: false);

    /// <summary>Refuses every report write.</summary>
    public static ReportUploadGate Refusing(string connection) => new(connection, refuse: true);

    /// <summary>Lets held report writes through.</summary>
    public void Release() => _released.TrySetResult();

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
        ProcessAsync(message, pipeline).AsTask().GetAwaiter().GetResult();

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Request.Method == RequestMethod.Put && message.Request.Uri.Path.EndsWith("/report.html", StringComparison.Ordinal))
        {
            _arrived.TrySetResult();
            if (Refuse)
            {
                throw new RequestFailedException(403, "This request is not authorized to perform this operation (test gate).", "AuthorizationPermissionMismatch", null);
            }

            await _released.Task;
        }

        await ProcessNextAsync(message, pipeline);
    }
}
