using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Resources;

namespace NetworkBuster.Training.Telemetry;

/// <summary>OpenTelemetry wiring shared by the Functions app and the local host.</summary>
public static class TelemetryServiceCollectionExtensions
{
    /// <summary>
    /// Exports the pipeline's metrics and logs to Application Insights when <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c>
    /// is set. With local authentication off (as <c>infra/</c> deploys it) the exporter authenticates with the managed
    /// identity named by <c>AzureWebJobsStorage__clientId</c> (or <c>APPLICATIONINSIGHTS_CLIENT_ID</c>).
    /// </summary>
    /// <returns>The OpenTelemetry builder (the concrete type the Functions worker's <c>UseFunctionsWorkerDefaults</c> extends).</returns>
    public static OpenTelemetryBuilder AddTrainingTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var builder = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("networkbuster-training"))
            .WithMetrics(metrics => metrics.AddMeter(TrainingTelemetry.MeterName));
        if (configuration["APPLICATIONINSIGHTS_CONNECTION_STRING"] is { Length: > 0 } connectionString)
        {
            var clientId = configuration["APPLICATIONINSIGHTS_CLIENT_ID"] ?? configuration["AzureWebJobsStorage:clientId"];
            builder.UseAzureMonitorExporter(options =>
            {
                options.ConnectionString = connectionString;
                if (!string.IsNullOrEmpty(clientId))
                {
                    options.Credential = new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId));
                }
            });
        }

        return builder;
    }
}
