using NetworkBuster.Training.Registry;
using NetworkBuster.Training.Runs;

namespace NetworkBuster.Training.Reports;

/// <summary>
/// Whether a version's <c>report.html</c> is there to read, from its run's <c>Insights</c> column: the version is
/// registered before its report is prepared, so for a moment (or for good, when preparing it failed) it has none.
/// </summary>
/// <param name="State">One of <see cref="InsightsState"/>.</param>
/// <param name="Message">What a person reads.</param>
public sealed record ReportStatus(string State, string Message)
{
    /// <summary>The report status of <paramref name="version"/>, given the run that registered it (null when that row is gone).</summary>
    public static ReportStatus Of(ModelVersionRow version, TrainingRunRow? run)
    {
        ArgumentNullException.ThrowIfNull(version);
        string name = $"{version.Model}:{version.Version}";
        return run?.Insights switch
        {
            InsightsState.Pending => new(InsightsState.Pending, $"The report of {name} is being prepared: run {run.JobId} registered the version, and its importance, curves and report.html follow. Try again in a few seconds."),
            InsightsState.Failed => new(InsightsState.Failed, $"The report of {name} could not be prepared ({run.InsightsError ?? "no reason recorded"}); the version itself stands."),

            // Versions registered before reports moved after registration had theirs written at registration.
            _ => new(InsightsState.Ready, $"The report of {name} is ready."),
        };
    }
}
