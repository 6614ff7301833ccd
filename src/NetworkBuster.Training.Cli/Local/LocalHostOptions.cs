
namespace NetworkBuster.Training.Cli.Local;

/// <summary>Settings of the local host (configuration section <c>Training:Host</c>), validated at start.</summary>
public sealed class LocalHostOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Training:Host";

    /// <summary>CPU-heavy steps (ingest, train, evaluate) run at once; training is CPU-bound, so the default is one.</summary>
    public int MaxConcurrentJobs { get; set; } = 1;

    /// <summary>How long a received message stays hidden while it is admitted and its orchestration started.</summary>
    public TimeSpan VisibilityTimeout { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long a message that failed to start stays hidden before its next attempt.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Dequeues before a message moves to the poison queue.</summary>
    public int MaxDequeueCount { get; set; } = Storage.StorageNames.MaxDequeueCount;

    /// <summary>The first wait after an empty poll.</summary>
    public TimeSpan MinPollingInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The longest wait between polls of an idle jobs queue (a quarter second: a job waits ~0.1 s on average).</summary>
    public TimeSpan MaxPollingInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// The Durable task hub (its tables, queues and blob container are named after it); distinct from the cloud
    /// app's <c>TaskHubName</c> so a local host pointed at a real account never takes the app's work.
    /// </summary>
    public string TaskHub { get; set; } = "nbtrainlocal";

    /// <summary>How long a leased engine work item stays hidden; a running activity's lease is renewed, a crashed host's lapses.</summary>
    public TimeSpan WorkItemVisibility { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Completed instances' history older than this is purged (the queue's message TTL).</summary>
    public TimeSpan HistoryRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How often run rows are reconciled with their instances and old history purged.</summary>
    public TimeSpan MaintenanceInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>What is wrong with the settings, each naming the setting, what is allowed and what was found.</summary>
    public IEnumerable<string> Validate()
    {
        if (MaxConcurrentJobs is < 1 or > 64)
        {
            yield return $"{Section}:MaxConcurrentJobs must be 1–64, found {MaxConcurrentJobs}.";
        }

        if (MaxDequeueCount < 1)
        {
            yield return $"{Section}:MaxDequeueCount must be at least 1, found {MaxDequeueCount}.";
        }

        if (TaskHub.Length is < 3 or > 45 || !char.IsAsciiLetter(TaskHub[0]) || !TaskHub.All(char.IsAsciiLetterOrDigit))
        {
            yield return $"{Section}:TaskHub must be 3–45 letters and digits starting with a letter, found '{TaskHub}'.";
        }

        if (WorkItemVisibility < TimeSpan.FromSeconds(1))
        {
            yield return $"{Section}:WorkItemVisibility must be at least 00:00:01, found {WorkItemVisibility}.";
        }

        foreach (var (name, value) in new[] { ("VisibilityTimeout", VisibilityTimeout), ("MinPollingInterval", MinPollingInterval), ("MaxPollingInterval", MaxPollingInterval), ("HistoryRetention", HistoryRetention), ("MaintenanceInterval", MaintenanceInterval) })
        {
            if (value <= TimeSpan.Zero)
            {
                yield return $"{Section}:{name} must be positive, found {value}.";
            }
        }
    }
}
