
namespace NetworkBuster.Training.Workflow;

/// <summary>
/// How an activity that failed transiently is retried, in both hosts: at most <paramref name="MaxAttempts"/> calls
/// (the first included), the first retry after <paramref name="FirstRetry"/>, each later wait
/// <paramref name="BackoffCoefficient"/> times the one before. It travels in <see cref="WorkflowInput"/>, so an
/// instance keeps the policy it started with when settings change, and replays see the same one.
/// </summary>
/// <param name="MaxAttempts">Calls before the step fails, the first included.</param>
/// <param name="FirstRetry">The wait before the first retry.</param>
/// <param name="BackoffCoefficient">The growth of each later wait.</param>
public sealed record ActivityRetry(int MaxAttempts, TimeSpan FirstRetry, double BackoffCoefficient)
{
    /// <summary>The original design's policy: 3 attempts, 1 minute, doubling.</summary>
    public static ActivityRetry Default { get; } = new(3, TimeSpan.FromMinutes(1), 2.0);

    /// <summary>The wait before attempt <paramref name="attempt"/> + 1 (attempt counts from 1).</summary>
    public TimeSpan DelayAfter(int attempt) => FirstRetry * Math.Pow(BackoffCoefficient, attempt - 1);
}

/// <summary>Settings of the workflow (configuration section <c>Training:Workflow</c>), the same in both hosts.</summary>
public sealed class WorkflowOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Training:Workflow";

    /// <summary>Calls of an activity before the job fails, the first included (1–10).</summary>
    public int ActivityMaxAttempts { get; set; } = ActivityRetry.Default.MaxAttempts;

    /// <summary>The wait before an activity's first retry (1 s – 1 h).</summary>
    public TimeSpan ActivityFirstRetry { get; set; } = ActivityRetry.Default.FirstRetry;

    /// <summary>The growth of each later wait (1–10).</summary>
    public double ActivityBackoffCoefficient { get; set; } = ActivityRetry.Default.BackoffCoefficient;

    /// <summary>The policy these settings describe.</summary>
    public ActivityRetry Retry => new(ActivityMaxAttempts, ActivityFirstRetry, ActivityBackoffCoefficient);

    /// <summary>What is wrong with the settings, each naming the setting, what is allowed and what was found.</summary>
    public IEnumerable<string> Validate()
    {
        if (ActivityMaxAttempts is < 1 or > 10)
        {
            yield return $"{Section}:ActivityMaxAttempts must be 1–10, found {ActivityMaxAttempts}.";
        }

        if (ActivityFirstRetry < TimeSpan.FromMilliseconds(100) || ActivityFirstRetry > TimeSpan.FromHours(1))
        {
            yield return $"{Section}:ActivityFirstRetry must be 00:00:00.1–01:00:00, found {ActivityFirstRetry}.";
        }

        if (ActivityBackoffCoefficient is < 1 or > 10 || double.IsNaN(ActivityBackoffCoefficient))
        {
            yield return $"{Section}:ActivityBackoffCoefficient must be 1–10, found {ActivityBackoffCoefficient}.";
        }
    }
}
