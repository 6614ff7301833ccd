
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
