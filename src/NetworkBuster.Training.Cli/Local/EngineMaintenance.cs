using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NetworkBuster.Training.Storage;
using NetworkBuster.Training.Orchestration;

namespace NetworkBuster.Training.Cli.Local;

/// <summary>
/// At start-up and every <see cref="LocalHostOptions.MaintenanceInterval"/>: run rows left unfinished by ended
/// instances take the instance's outcome (<see cref="RunReconciler"/>, as the Functions app's <c>ReconcileRuns</c>),
/// and completed instances' history older than <see cref="LocalHostOptions.HistoryRetention"/> is purged.
/// </summary>
/// <param name="storage">The storage account (provisioned first: on a new account the run table may not exist yet).</param>
/// <param name="reconciler">Repairs run rows.</param>
/// <param name="client">The engine's client.</param>
/// <param name="options">Host settings.</param>
/// <param name="time">The clock.</param>
/// <param name="logger">Logger.</param>
public sealed class EngineMaintenance(StorageClients storage, RunReconciler reconciler, DurableTaskClient client, LocalHostOptions options, TimeProvider time, ILogger<EngineMaintenance> logger)
    : BackgroundService
{
    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await storage.EnsureCreatedAsync(stoppingToken);
                int repaired = await reconciler.ReconcileAsync(client, stoppingToken);
                // The sidecar requires a lower bound (CreatedFrom), though the SDK's filter makes it optional.
                var purged = await client.PurgeAllInstancesAsync(
                    new PurgeInstancesFilter(CreatedFrom: DateTimeOffset.UnixEpoch, CreatedTo: time.GetUtcNow() - options.HistoryRetention, Statuses: [OrchestrationRuntimeStatus.Completed, OrchestrationRuntimeStatus.Failed, OrchestrationRuntimeStatus.Terminated]),
                    stoppingToken);
                logger.LogInformation("Maintenance: {Repaired} run row(s) reconciled, {Purged} instance(s) older than {Retention} purged", repaired, purged.PurgedInstanceCount, options.HistoryRetention);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Maintenance failed; it runs again in {Interval}", options.MaintenanceInterval);
            }

            await Task.Delay(options.MaintenanceInterval, time, stoppingToken);
        }
    }
}
