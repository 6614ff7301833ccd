using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NetworkBuster.Training.Orchestration;
using NetworkBuster.Training.Scheduling;

namespace NetworkBuster.Training.Cli.Local;

/// <summary>
/// The local host's timer triggers: the same NCRONTAB schedules, slot job ids and skip-when-unchanged rule as the
/// Functions app. After downtime it fires each schedule's latest missed slot once (not once per missed slot).
/// Admitted jobs start their orchestration directly (instance id = the slot's job id), as the Functions timers do.
/// </summary>
/// <param name="configuration">Schedules (<c>{Preset}Schedule</c> settings).</param>
/// <param name="retraining">Handles fires.</param>
/// <param name="starter">Starts the slot's orchestration.</param>
/// <param name="client">The engine's client.</param>
/// <param name="time">The clock.</param>
/// <param name="logger">Logger.</param>
public sealed class LocalRetrainingScheduler(IConfiguration configuration, ScheduledRetraining retraining, OrchestrationStarter starter, DurableTaskClient client, TimeProvider time, ILogger<LocalRetrainingScheduler> logger)
    : BackgroundService
{
    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var schedules = RetrainingSchedule.FromConfiguration(configuration);
        foreach (var schedule in schedules)
        {
            await FireAsync(schedule, stoppingToken);
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            var now = time.GetUtcNow().UtcDateTime;
            var next = schedules.Select(s => (Schedule: s, At: s.NextSlot(now))).MinBy(n => n.At);
            await Task.Delay(next.At - now + TimeSpan.FromMilliseconds(50), time, stoppingToken);
            foreach (var schedule in schedules.Where(s => s.LatestSlot(time.GetUtcNow().UtcDateTime) == next.At))
            {
                await FireAsync(schedule, stoppingToken);
            }
        }
    }

    private async Task FireAsync(RetrainingSchedule schedule, CancellationToken stoppingToken)
    {
        try
        {
            var fire = await retraining.FireAsync(schedule, time.GetUtcNow().UtcDateTime, stoppingToken);
            if (fire.Admission is { } admitted)
            {
                await starter.StartAsync(client, admitted, stoppingToken);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Timer for {Model} failed; the next slot will try again", schedule.Preset.Name);
        }
    }
}
