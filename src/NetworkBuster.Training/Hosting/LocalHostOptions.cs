namespace NetworkBuster.Training.Hosting;

/// <summary>Settings of the local host (configuration section <c>Training:Host</c>).</summary>
public sealed class LocalHostOptions
{
    /// <summary>Jobs processed at once; training is CPU-bound, so the default is one.</summary>
    public int MaxConcurrentJobs { get; set; } = 1;

    /// <summary>How long a received message stays hidden; renewed while its job runs.</summary>
    public TimeSpan VisibilityTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How long a message that failed stays hidden before its next attempt.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Dequeues before a message moves to the poison queue.</summary>
    public int MaxDequeueCount { get; set; } = Storage.StorageNames.MaxDequeueCount;

    /// <summary>The first wait after an empty poll.</summary>
    public TimeSpan MinPollingInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>The longest wait between polls of an idle queue.</summary>
    public TimeSpan MaxPollingInterval { get; set; } = TimeSpan.FromSeconds(1);
}
