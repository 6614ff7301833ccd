using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Worker;
using Microsoft.DurableTask.Worker.Grpc;
using Microsoft.DurableTask.Worker.Grpc.Internal;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NetworkBuster.Training.Cli.Local.Engine;
using NetworkBuster.Training.Cli.Local.Http;
using NetworkBuster.Training.Hosting;
using NetworkBuster.Training.Orchestration;
using NetworkBuster.Training.Storage;
using NetworkBuster.Training.Telemetry;

namespace NetworkBuster.Training.Cli.Local;

/// <summary>
/// Builds the local host: the Functions app's queue and timer semantics in front of the same orchestrator and
/// activities, run by the Durable Task engine on the Azure Storage backend (<see cref="LocalDurableEngine"/>).
/// </summary>
public static class LocalHost
{
    /// <summary>Builds a host listening on the jobs queue.</summary>
    /// <param name="connection">A storage connection string, or null to read <c>AzureWebJobsStorage</c> from the environment.</param>
    /// <param name="minimumLevel">The console log level.</param>
    /// <param name="settings">Extra settings (e.g. <c>Training:Host:MaxConcurrentJobs</c>).</param>
    /// <param name="timers">Whether the retraining timers run.</param>
    /// <param name="configure">Last-moment service changes (tests replace the clock).</param>
    /// <exception cref="InvalidOperationException">When a setting is out of range (named in the message).</exception>
    public static IHost Build(string? connection, LogLevel minimumLevel = LogLevel.Information, IDictionary<string, string?>? settings = null, bool timers = false, Action<IServiceCollection>? configure = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], ContentRootPath = AppContext.BaseDirectory });
        var overrides = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>());
        if (connection is not null)
        {
            overrides[StorageNames.ConnectionSetting] = connection;
        }

        builder.Configuration.AddInMemoryCollection(overrides);
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss ";
            o.IncludeScopes = false;
        });
        builder.Logging.SetMinimumLevel(minimumLevel);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Logging.AddFilter("Azure", LogLevel.Warning);
        builder.Logging.AddFilter("DurableTask", LogLevel.Warning);

        // Abandoned-message and slow-partition-table notices under bursts are the engine's normal flow control.
        builder.Logging.AddFilter("DurableTask.AzureStorage", LogLevel.Error);
        builder.Logging.AddFilter("Grpc", LogLevel.Warning);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));

        var options = builder.Configuration.GetSection(LocalHostOptions.Section).Get<LocalHostOptions>() ?? new LocalHostOptions();
        builder.Services.AddValidatedOptions<LocalHostOptions>(builder.Configuration, LocalHostOptions.Section, o => o.Validate());
        builder.Services.AddTrainingPipeline(builder.Configuration).AddTrainingOrchestration();
        builder.Services.AddTrainingTelemetry(builder.Configuration);

        // The engine first, so it is listening before the worker connects and stops after the worker.
        var engine = new LocalDurableEngine(builder.Configuration, options);
        var address = engine.Address;
        builder.Services.AddHostedService(sp =>
        {
            engine.Loggers = sp.GetRequiredService<ILoggerFactory>();
            return engine;
        });
        builder.Services.AddSingleton(sp => new StepSlots(options.MaxConcurrentJobs, sp.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping));
        builder.Services.AddDurableTaskWorker(worker =>
        {
            worker.UseGrpc(grpc => ConnectWorker(grpc, address));
            worker.AddTasks(tasks => tasks.AddTrainingTasks());
            worker.Configure(o =>
            {
                o.Concurrency.MaximumConcurrentActivityWorkItems = options.MaxConcurrentJobs + 4;
                o.Concurrency.MaximumConcurrentOrchestrationWorkItems = 10;
            });
        });
        builder.Services.AddDurableTaskClient(client =>
        {
            client.UseGrpc(address);
            client.RegisterDirectly();
        });
        builder.Services.AddHostedService<QueueJobListener>();
        var http = builder.Configuration.GetSection(LocalHttpOptions.Section).Get<LocalHttpOptions>() ?? new LocalHttpOptions();
        builder.Services.AddValidatedOptions<LocalHttpOptions>(builder.Configuration, LocalHttpOptions.Section, o => o.Validate());
        if (http.Port != 0)
        {
            builder.Services.AddSingleton<LocalHttpApi>();
            builder.Services.AddHostedService(sp => sp.GetRequiredService<LocalHttpApi>());
        }

        builder.Services.AddHostedService<EngineMaintenance>();
        if (timers)
        {
            builder.Services.AddHostedService<LocalRetrainingScheduler>();
        }

        configure?.Invoke(builder.Services);
        var host = builder.Build();
        try
        {
            TrainingPipelineServiceCollectionExtensions.ValidateSettings(host.Services);
        }
        catch (InvalidSettingsException)
        {
            host.Dispose();
            throw;
        }

        return host;
    }

    /// <summary>
    /// Points the worker at the engine's loopback endpoint, with the worker's silent-disconnect detection off. The
    /// worker reconnects when its work-item stream carries nothing for 120 s (it expects the backend's health pings);
    /// the in-process sidecar sends none, so any step longer than two minutes made it reconnect, and a work item the
    /// sidecar wrote while the old stream closed was lost: the sidecar waits for its result forever and the lock
    /// renewal keeps the message hidden, so the job stalled (Pending, or Running at its step) for good. The stream is
    /// in-process, so silence means no work, never a dead connection.
    /// </summary>
    internal static void ConnectWorker(GrpcDurableTaskWorkerOptions grpc, string address)
    {
        grpc.Address = address;
        grpc.SetSilentDisconnectTimeout(TimeSpan.Zero);
    }
}
