using Microsoft.Extensions.Logging;
using NetworkBuster.Training.Runs;

namespace NetworkBuster.Training.Workflow;

/// <summary>
/// What the workflow may do, and all it may do: call activities, report status, read a deterministic clock.
/// The Durable orchestrator implements it over <c>TaskOrchestrationContext</c>; the local host in-process.
/// Implementations retry transient activity failures by their policy and enforce the deadline.
/// </summary>
public interface IWorkflowContext
{
    /// <summary>The orchestration (or local run) instance id.</summary>
    string InstanceId { get; }

    /// <summary>The current time, deterministic under replay.</summary>
    DateTimeOffset CurrentUtc { get; }

    /// <summary>A logger that writes once, not on every replay.</summary>
    ILogger Logger { get; }

    /// <summary>Calls an activity, retrying transient failures.</summary>
    /// <typeparam name="TResult">The activity's result type.</typeparam>
    /// <param name="name">One of <see cref="ActivityNames"/>.</param>
    /// <param name="input">The activity's input (small references, never data).</param>
    /// <param name="deadline">When the job times out.</param>
    /// <returns>The result.</returns>
    /// <exception cref="ActivityFailedException">When retries are exhausted.</exception>
    /// <exception cref="StepTimeoutException">When the deadline passes first.</exception>
    Task<TResult> CallActivityAsync<TResult>(string name, object input, DateTimeOffset deadline);

    /// <summary>Records status and progress (the run row; and custom status in Durable).</summary>
    Task ReportAsync(RunUpdate update);
}

/// <summary>The activity names, shared by both hosts.</summary>
public static class ActivityNames
{
    /// <summary>Validate and split the CSV.</summary>
    public const string Ingest = "Ingest";

    /// <summary>Fit the model.</summary>
    public const string Train = "Train";

    /// <summary>Score and gate.</summary>
    public const string Evaluate = "Evaluate";

    /// <summary>Publish and register.</summary>
    public const string Register = "Register";

    /// <summary>Prepare what only people read about a registered version (its report), off the decision path.</summary>
    public const string Explain = "Explain";

    /// <summary>Write a run row update.</summary>
    public const string RecordRun = "RecordRun";

    /// <summary>Delete a failed job's staging files.</summary>
    public const string Cleanup = "Cleanup";

    /// <summary>Tell the webhooks how the run ended (never fails).</summary>
    public const string Notify = "Notify";
}

/// <summary>An activity failed after its retries (transient errors that did not clear).</summary>
/// <param name="activity">The activity name.</param>
/// <param name="code">The contract error code the failure maps to.</param>
/// <param name="message">What happened.</param>
/// <param name="innerException">The last failure, when known in-process.</param>
public sealed class ActivityFailedException(string activity, Contracts.ErrorCode code, string message, Exception? innerException = null)
    : Exception(message, innerException)
{
    /// <summary>The activity name.</summary>
    public string Activity { get; } = activity;

    /// <summary>The contract error code.</summary>
    public Contracts.ErrorCode Code { get; } = code;
}

/// <summary>The job's deadline passed during a step.</summary>
/// <param name="step">The activity that was running.</param>
/// <param name="deadline">The deadline.</param>
public sealed class StepTimeoutException(string step, DateTimeOffset deadline)
    : Exception($"The job's deadline {deadline:u} passed during {step}.")
{
    /// <summary>The activity that was running.</summary>
    public string Step { get; } = step;
}
