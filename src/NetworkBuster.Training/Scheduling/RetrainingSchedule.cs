using System.Globalization;
using Microsoft.Extensions.Configuration;
using NCrontab;
using NetworkBuster.Training.Presets;

namespace NetworkBuster.Training.Scheduling;

/// <summary>A preset's retraining schedule: NCRONTAB with seconds, in UTC, as Azure Functions timer triggers read it.</summary>
/// <param name="Preset">The preset it retrains.</param>
/// <param name="Expression">The six-field NCRONTAB expression.</param>
public sealed record RetrainingSchedule(ModelPreset Preset, string Expression)
{
    private CrontabSchedule Cron { get; } = CrontabSchedule.Parse(Expression, new CrontabSchedule.ParseOptions { IncludingSeconds = true });

    /// <summary>Each preset's schedule: its app setting (e.g. <c>PerformanceOptimizerSchedule</c>) or the contract's default.</summary>
    public static IReadOnlyList<RetrainingSchedule> FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return [.. PresetCatalog.All.Select(p => new RetrainingSchedule(p, configuration[p.ScheduleSetting] is { Length: > 0 } e ? e : p.DefaultSchedule))];
    }

    /// <summary>The newest occurrence at or before <paramref name="utcNow"/>: the slot a fire belongs to.</summary>
    public DateTime LatestSlot(DateTime utcNow)
    {
        // Look back far enough for weekly schedules; occurrences are ordered.
        var from = utcNow.AddDays(-8);
        DateTime? last = null;
        foreach (var occurrence in Cron.GetNextOccurrences(from, utcNow.AddSeconds(1)))
        {
            last = occurrence;
        }

        return last ?? Cron.GetNextOccurrence(from);
    }

    /// <summary>The next occurrence after <paramref name="utcNow"/>.</summary>
    public DateTime NextSlot(DateTime utcNow) => Cron.GetNextOccurrence(utcNow);

    /// <summary>
    /// The job id of a slot: deterministic, so overlapping or repeated fires of the same slot are one job.
    /// </summary>
    public string JobIdFor(DateTime slot) => string.Create(CultureInfo.InvariantCulture, $"{Preset.Name}-{slot:yyyyMMddHHmmss}");
}
