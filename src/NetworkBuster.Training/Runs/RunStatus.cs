
namespace NetworkBuster.Training.Runs;

/// <summary>The contract's run statuses, as stored in <c>TrainingRuns.Status</c>.</summary>
public static class RunStatus
{
    /// <summary>Accepted, not started.</summary>
    public const string Pending = "Pending";

    /// <summary>A step is running.</summary>
    public const string Running = "Running";

    /// <summary>A version was registered.</summary>
    public const string Succeeded = "Succeeded";

    /// <summary>Ended with an error code.</summary>
    public const string Failed = "Failed";

    /// <summary>Stopped by an operator.</summary>
    public const string Cancelled = "Cancelled";

    /// <summary>Nothing to do (e.g. a timer found the dataset unchanged).</summary>
    public const string Skipped = "Skipped";

    /// <summary>Whether a run in this status has ended.</summary>
    public static bool IsTerminal(string? status) => status is Succeeded or Failed or Cancelled or Skipped;
}

/// <summary>The contract's workflow steps, as stored in <c>TrainingRuns.Step</c>.</summary>
public static class RunStep
{
    /// <summary>Validate and split the CSV.</summary>
    public const string Ingest = "ingest";

    /// <summary>Fit the model.</summary>
    public const string Train = "train";

    /// <summary>Score on held-out data and compare with the current version.</summary>
    public const string Evaluate = "evaluate";

    /// <summary>Save the model and its registry row.</summary>
    public const string Register = "register";

    /// <summary>The report's preparation after registration (a telemetry step; the row's <c>Insights</c> column tells its state).</summary>
    public const string Explain = "explain";
}

/// <summary>
/// Whether a succeeded run's report is there, as stored in <c>TrainingRuns.Insights</c>: the version is registered
/// (and current when the gate said so) before its importance, curves and <c>report.html</c> are prepared.
/// </summary>
public static class InsightsState
{
    /// <summary>The version is registered; its report is being prepared.</summary>
    public const string Pending = "pending";

    /// <summary>The report, importance and curves are published.</summary>
    public const string Ready = "ready";

    /// <summary>They could not be prepared (<c>InsightsError</c> says why); the version stands.</summary>
    public const string Failed = "failed";

    /// <summary>Whether the state is final.</summary>
    public static bool IsSettled(string? state) => state is Ready or Failed;
}

/// <summary>What started a run, as stored in <c>TrainingRuns.Trigger</c>.</summary>
public static class RunTrigger
{
    /// <summary>A message on the jobs queue.</summary>
    public const string Queue = "queue";

    /// <summary>A retraining schedule.</summary>
    public const string Timer = "timer";

    /// <summary>A job submitted to <c>POST /api/jobs</c> (then queued like any message).</summary>
    public const string Http = "http";

    /// <summary>Reserved by the contract; <c>nbtrain submit</c> drops a queue message, so its runs say <see cref="Queue"/>.</summary>
    public const string Cli = "cli";
}
