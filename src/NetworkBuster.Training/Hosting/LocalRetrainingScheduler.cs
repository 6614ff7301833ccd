using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NetworkBuster.Training.Scheduling;
using NetworkBuster.Training.Storage;

namespace NetworkBuster.Training.Hosting;

/// <summary>
/// The local host's timer triggers: the same NCRONTAB schedules, slot job ids and skip-when-unchanged rule as the
/// Functions app. After downtime it fires each schedule's latest missed slot once (not once per missed slot).
/// Admitted jobs go onto the jobs queue, so they share the host's concurrency limit and retry semantics.
/// </summary>
/// <param name="configuration">Schedules (<c>{Preset}Schedule</c> settings).</param>
/// <param name="retraining">Handles fires.</param>
/// <param name="storage">The storage account.</param>
/// <param name="time">The clock.</param>
/// <param name="logger">Logger.</param>
public sealed class LocalRetrainingScheduler(IConfiguration configuration, ScheduledRetraining retraining, StorageClients storage, TimeProvider time, ILogger<LocalRetrainingScheduler> logger)
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
            if (fire.Admission is { Outcome: AdmissionOutcome.Start, Job: { } job })
            {
                await storage.JobsQueue.SendMessageAsync(Jobs.JobMessageWriter.ToJson(job), stoppingToken);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Timer for {Model} failed; the next slot will try again", schedule.Preset.Name);
        }
    }
}
