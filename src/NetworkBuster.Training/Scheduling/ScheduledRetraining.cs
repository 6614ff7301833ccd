using Microsoft.Extensions.Logging;
using NetworkBuster.Training.Admissions;
using NetworkBuster.Training.Runs;

namespace NetworkBuster.Training.Scheduling;

/// <summary>The outcome of a timer fire.</summary>
/// <param name="Slot">The schedule slot the fire belongs to.</param>
/// <param name="Plan">What the planner found.</param>
/// <param name="Admission">The admitted job, when there is one to run.</param>
public sealed record ScheduledFire(DateTime Slot, ScheduledPlan Plan, Admission? Admission);

/// <summary>
/// A timer fire, shared by the Functions timer triggers and the local scheduler: finds the slot, plans the job,
/// records a Skipped run when there is nothing to do, and admits the job otherwise (same slot, same job id).
/// </summary>
/// <param name="planner">Plans the slot's job.</param>
/// <param name="admission">Admits it.</param>
/// <param name="runs">Run rows (for Skipped).</param>
/// <param name="webhooks">Tells the webhook about Skipped runs.</param>
/// <param name="time">The clock.</param>
/// <param name="logger">Logger.</param>
public sealed class ScheduledRetraining(ScheduledJobPlanner planner, JobAdmission admission, RunStore runs, Notifications.WebhookSender webhooks, TimeProvider time, ILogger<ScheduledRetraining> logger)
{
    /// <summary>Handles a fire at <paramref name="utcNow"/>.</summary>
    public async Task<ScheduledFire> FireAsync(RetrainingSchedule schedule, DateTime utcNow, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        var slot = schedule.LatestSlot(utcNow);
        var plan = await planner.PlanAsync(schedule, slot, cancellationToken);
        if (plan.Job is null)
        {
            var now = time.GetUtcNow();
            var (_, created) = await runs.CreateOrGetAsync(
                new TrainingRunRow { JobId = plan.JobId, Model = schedule.Preset.Name, Status = RunStatus.Skipped, Trigger = RunTrigger.Timer, Progress = 100, ErrorMessage = plan.SkipReason, CreatedAt = now, CompletedAt = now },
                cancellationToken);
            logger.LogInformation("Timer for {Model} slot {Slot:u}: skipped, {Reason}", schedule.Preset.Name, slot, plan.SkipReason);
            if (created)
            {
                await webhooks.SendAsync(
                    [new Notifications.TrainingEvent(Notifications.TrainingEventTypes.RunSkipped, plan.JobId, schedule.Preset.Name, now) { Status = RunStatus.Skipped, ErrorMessage = plan.SkipReason }],
                    null,
                    cancellationToken);
            }
            return new ScheduledFire(slot, plan, null);
        }

        var admitted = await admission.AdmitAsync(plan.Job, RunTrigger.Timer, cancellationToken);
        logger.LogInformation("Timer for {Model} slot {Slot:u}: job {JobId} on {Dataset} is {Outcome}", schedule.Preset.Name, slot, plan.JobId, plan.Job.Dataset, admitted.Outcome);
        return new ScheduledFire(slot, plan, admitted);
    }
}
