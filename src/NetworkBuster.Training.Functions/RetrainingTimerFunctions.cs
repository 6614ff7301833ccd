using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using NetworkBuster.Training.Orchestration;
using NetworkBuster.Training.Presets;
using NetworkBuster.Training.Scheduling;

namespace NetworkBuster.Training.Functions;

/// <summary>
/// The retraining timers (NCRONTAB in UTC, from app settings; the contract's defaults in infra and
/// local.settings.sample.json). Each fire plans the newest dataset under <c>{model}/</c>, skips (a Skipped run)
/// when that content already produced the current version, and otherwise starts the job whose id is derived from the
/// schedule slot, so overlapping or repeated fires of one slot start it once.
/// </summary>
/// <param name="retraining">The core's timer logic (plan, skip or admit).</param>
/// <param name="starter">Starts the admitted job's orchestration (instance id = the slot's job id).</param>
/// <param name="reconciler">Repairs run rows whose instance ended without recording.</param>
/// <param name="configuration">App settings (the schedules).</param>
/// <param name="logger">Logger.</param>
public sealed class RetrainingTimerFunctions(ScheduledRetraining retraining, OrchestrationStarter starter, RunReconciler reconciler, IConfiguration configuration, ILogger<RetrainingTimerFunctions> logger)
{
    /// <summary>Daily by default (<c>0 0 2 * * *</c>).</summary>
    [Function(nameof(RetrainVisitorBehavior))]
    public Task RetrainVisitorBehavior([TimerTrigger("%VisitorBehaviorSchedule%")] TimerInfo timer, [DurableClient] DurableTaskClient client, CancellationToken cancellationToken) =>
        FireAsync(PresetCatalog.VisitorBehavior, timer, client, cancellationToken);

    /// <summary>Weekly by default (<c>0 0 3 * * 0</c>).</summary>
    [Function(nameof(RetrainSustainability))]
    public Task RetrainSustainability([TimerTrigger("%SustainabilitySchedule%")] TimerInfo timer, [DurableClient] DurableTaskClient client, CancellationToken cancellationToken) =>
        FireAsync(PresetCatalog.Sustainability, timer, client, cancellationToken);

    /// <summary>Hourly by default (<c>0 5 * * * *</c>).</summary>
    [Function(nameof(RetrainPerformanceOptimizer))]
    public Task RetrainPerformanceOptimizer([TimerTrigger("%PerformanceOptimizerSchedule%")] TimerInfo timer, [DurableClient] DurableTaskClient client, CancellationToken cancellationToken) =>
        FireAsync(PresetCatalog.PerformanceOptimizer, timer, client, cancellationToken);

    /// <summary>Every 15 minutes by default (<c>0 */15 * * * *</c>).</summary>
    [Function(nameof(RetrainContentRecommender))]
    public Task RetrainContentRecommender([TimerTrigger("%ContentRecommenderSchedule%")] TimerInfo timer, [DurableClient] DurableTaskClient client, CancellationToken cancellationToken) =>
        FireAsync(PresetCatalog.ContentRecommender, timer, client, cancellationToken);

    /// <summary>Every 10 minutes: run rows left Pending or Running whose orchestration ended take its outcome.</summary>
    [Function(nameof(ReconcileRuns))]
    public Task ReconcileRuns([TimerTrigger("0 */10 * * * *")] TimerInfo timer, [DurableClient] DurableTaskClient client, CancellationToken cancellationToken) =>
        reconciler.ReconcileAsync(client, cancellationToken);

    private async Task FireAsync(ModelPreset preset, TimerInfo timer, DurableTaskClient client, CancellationToken cancellationToken)
    {
        var schedule = RetrainingSchedule.FromConfiguration(configuration).Single(s => s.Preset == preset);
        if (timer.IsPastDue)
        {
            logger.LogWarning("Timer for {Model} is past due; running the latest slot once", preset.Name);
        }

        var fire = await retraining.FireAsync(schedule, DateTime.UtcNow, cancellationToken);
        if (fire.Admission is { } admitted)
        {
            await starter.StartAsync(client, admitted, cancellationToken);
        }
    }
}
