using DurableTask.AzureStorage;
using DurableTask.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.DurableTask.Testing.Sidecar.Grpc;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NetworkBuster.Training.Orchestration;
using NetworkBuster.Training.Storage;

namespace NetworkBuster.Training.Cli.Local.Engine;

/// <summary>
/// The Durable Task engine of the local host: the Azure Storage backend Durable Functions uses (same tables, queues
/// and blobs, in task hub <see cref="LocalHostOptions.TaskHub"/>), served over the Durable Task gRPC protocol on a
/// loopback port by the SDK's <c>TaskHubGrpcServer</c>, so the worker and client in this process talk to it exactly
/// as the Functions worker talks to its host.
/// </summary>
public sealed class LocalDurableEngine : IHostedService, IAsyncDisposable
{
    private readonly IConfiguration _configuration;
    private readonly LocalHostOptions _options;
    private static readonly TimeSpan MinControlQueueVisibility = TimeSpan.FromSeconds(30);
    private WebApplication? _sidecar;

    /// <summary>Creates the engine; it listens on <see cref="Address"/> once started.</summary>
    public LocalDurableEngine(IConfiguration configuration, LocalHostOptions options)
    {
        _configuration = configuration;
        _options = options;
        Address = $"http://127.0.0.1:{LoopbackPort.Free()}";
    }

    /// <summary>The host's loggers (set when the host resolves the engine).</summary>
    public ILoggerFactory Loggers { get; set; } = Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance;

    /// <summary>The gRPC endpoint the worker and client use.</summary>
    public string Address { get; }

    /// <summary>The task hub's settings (also used by <c>nbtrain runs</c> to read instances).</summary>
    public static AzureStorageOrchestrationServiceSettings Settings(IConfiguration configuration, LocalHostOptions options, ILoggerFactory? loggers = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(options);
        var settings = new AzureStorageOrchestrationServiceSettings
        {
            TaskHubName = options.TaskHub,
            StorageAccountClientProvider = ClientProvider(configuration),
            PartitionCount = 1,
            UseTablePartitionManagement = true,
            MaxQueuePollingInterval = TimeSpan.FromSeconds(1),
            WorkItemQueueVisibilityTimeout = options.WorkItemVisibility,

            // Orchestration messages are not renewed while an episode runs: a short activity lease (tests use 1 s)
            // must not make them reappear mid-episode (a refused delete, PopReceiptMismatch, and a replay).
            ControlQueueVisibilityTimeout = options.WorkItemVisibility > MinControlQueueVisibility ? options.WorkItemVisibility : MinControlQueueVisibility,
            MaxConcurrentTaskActivityWorkItems = options.MaxConcurrentJobs + 4,
            MaxConcurrentTaskOrchestrationWorkItems = 10,
        };
        if (loggers is not null)
        {
            settings.LoggerFactory = loggers;
        }

        return settings;
    }

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var service = new AzureStorageOrchestrationService(Settings(_configuration, _options, Loggers));
        await service.CreateIfNotExistsAsync();
        var renewing = new LockRenewingOrchestrationService(service, _options.WorkItemVisibility / 3, Loggers.CreateLogger<LocalDurableEngine>());

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseUrls(Address);
        builder.WebHost.ConfigureKestrel(k => k.ConfigureEndpointDefaults(l => l.Protocols = HttpProtocols.Http2));
        builder.Logging.ClearProviders();

        // The sidecar stops with the local host, never on its own Ctrl+C handler.
        builder.Services.AddSingleton<IHostLifetime, HostedByLocalHost>();
        builder.Services.AddSingleton(Loggers);
        builder.Services.AddGrpc();
        builder.Services.AddSingleton<IOrchestrationService>(renewing);
        builder.Services.AddSingleton<IOrchestrationServiceClient>(service);
        builder.Services.AddSingleton<TaskHubGrpcServer>();
        _sidecar = builder.Build();
        _sidecar.MapGrpcService<TaskHubGrpcServer>();
        await _sidecar.StartAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_sidecar is not null)
        {
            await _sidecar.StopAsync(cancellationToken);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_sidecar is not null)
        {
            await _sidecar.DisposeAsync();
        }
    }

    private static StorageAccountClientProvider ClientProvider(IConfiguration configuration) =>
        StorageConnection.Resolve(
            configuration,
            connectionString => new StorageAccountClientProvider(connectionString),
            (blob, queue, table, credential) => new StorageAccountClientProvider(blob, queue, table, credential));

    private sealed class HostedByLocalHost : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

}
