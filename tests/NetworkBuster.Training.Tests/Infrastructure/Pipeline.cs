using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NetworkBuster.Training.Cli.Local;
using NetworkBuster.Training.Hosting;

namespace NetworkBuster.Training.Tests.Infrastructure;

/// <summary>The pipeline's real services and host, wired as the CLI wires them, against a test Azurite.</summary>
public static class Pipeline
{
    /// <summary>Settings that make retries quick in tests.</summary>
    public static Dictionary<string, string?> FastSettings(IDictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Training:Host:RetryDelay"] = "00:00:01",
            ["Training:Host:MinPollingInterval"] = "00:00:00.100",
            ["Training:Host:MaxPollingInterval"] = "00:00:00.500",
            ["Training:Workflow:ActivityFirstRetry"] = "00:00:00.200",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        return settings;
    }

    public static ServiceProvider Services(string connection, IDictionary<string, string?>? settings = null, Action<IServiceCollection>? configure = null)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(FastSettings(settings))
            .AddInMemoryCollection([new("AzureWebJobsStorage", connection)])
            .Build();
        var services = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(configuration).AddTrainingPipeline(configuration);
        configure?.Invoke(services);
        return services.BuildServiceProvider();
    }

    /// <summary>
    /// Starts an in-process local host on a task hub of its own (unless the settings name one): a host of an earlier
    /// test that is still draining its control queues keeps its partition leases for minutes, and a next host on the
    /// same hub and Azurite cannot take them, so its runs stay where they were (seen as runs stuck Pending or at a
    /// step under a loaded suite).
    /// </summary>
    public static async Task<IHost> StartHostAsync(string connection, IDictionary<string, string?>? settings = null, TimeProvider? time = null, Action<IServiceCollection>? configure = null)
    {
        var configured = FastSettings(settings);
        configured.TryAdd("Training:Host:TaskHub", "nbtest" + Guid.NewGuid().ToString("N")[..12]);
        var host = LocalHost.Build(connection, LogLevel.Warning, configured, configure: s =>
        {
            if (time is not null)
            {
                s.AddSingleton(time);
            }

            configure?.Invoke(s);
        });
        await host.StartAsync();
        return host;
    }
}
