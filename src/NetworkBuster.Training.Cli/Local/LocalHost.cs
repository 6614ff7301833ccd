using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NetworkBuster.Training.Hosting;
using NetworkBuster.Training.Storage;
using NetworkBuster.Training.Telemetry;

namespace NetworkBuster.Training.Cli.Local;

/// <summary>Builds the in-process host: the same queue semantics, workflow and activities as the Functions app.</summary>
public static class LocalHost
{
    /// <summary>Builds a host listening on the jobs queue.</summary>
    /// <param name="connection">A storage connection string, or null to read <c>AzureWebJobsStorage</c> from the environment.</param>
    /// <param name="minimumLevel">The console log level.</param>
    /// <param name="settings">Extra settings (e.g. <c>Training:Host:MaxConcurrentJobs</c>).</param>
    /// <param name="timers">Whether the retraining timers run.</param>
    /// <param name="configure">Last-moment service changes (tests replace the clock).</param>
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
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));
        builder.Services.AddTrainingPipeline(builder.Configuration).AddLocalTrainingHost(timers);
        builder.Services.AddTrainingTelemetry(builder.Configuration);
        configure?.Invoke(builder.Services);
        return builder.Build();
    }

    /// <summary>Whether storage is configured by the option or the environment (any form of <c>AzureWebJobsStorage</c>).</summary>
    public static bool IsStorageConfigured(string? option) =>
        !string.IsNullOrWhiteSpace(option) || StorageConnection.IsConfigured(new ConfigurationBuilder().AddEnvironmentVariables().Build());
}
