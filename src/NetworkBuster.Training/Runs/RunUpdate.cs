
namespace NetworkBuster.Training.Runs;

/// <summary>
/// A change to a run row, reported by the workflow; only the non-null fields are written (a merge).
/// </summary>
/// <param name="JobId">The run's job id.</param>
/// <param name="Status">The new status.</param>
/// <param name="Step">The current step.</param>
/// <param name="Progress">0–100.</param>
/// <param name="At">When, by the workflow's deterministic clock.</param>
public sealed record RunUpdate(string JobId, string Status, string? Step, int Progress, DateTimeOffset At)
{
    /// <summary>The error code when failed.</summary>
    public string? ErrorCode { get; init; }

    /// <summary>The error message when failed.</summary>
    public string? ErrorMessage { get; init; }

    /// <summary>The registered version.</summary>
    public int? Version { get; init; }

    /// <summary>The primary metric's name.</summary>
    public string? PrimaryMetric { get; init; }

    /// <summary>The primary metric's value on the test split.</summary>
    public double? PrimaryMetricValue { get; init; }

    /// <summary>Why the version did or did not become current.</summary>
    public string? PromotionDecision { get; init; }

    /// <summary>The dataset's drift from the current version (the <c>Drift</c> column's JSON), once ingest measured it.</summary>
    public string? Drift { get; init; }

    /// <summary>The report's state (<see cref="InsightsState"/>), once the run has registered a version.</summary>
    public string? Insights { get; init; }

    /// <summary>Why the report could not be prepared.</summary>
    public string? InsightsError { get; init; }

    /// <summary>
    /// Whether this update amends an ended run's report fields only (<see cref="Insights"/>,
    /// <see cref="InsightsError"/>): its status, step, progress and completion time stay as they are.
    /// </summary>
    public bool IsAmendment { get; init; }

    /// <summary>An amendment recording the report's state of a run that already ended.</summary>
    public static RunUpdate ForInsights(string jobId, string state, string? error, DateTimeOffset at) =>
        new(jobId, RunStatus.Succeeded, null, 100, at) { Insights = state, InsightsError = error, IsAmendment = true };

    /// <summary>Whether this update starts the run (sets <c>StartedAt</c>).</summary>
    public bool IsStart { get; init; }
}
