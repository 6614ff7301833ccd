namespace NetworkBuster.Training.Notifications;

/// <summary>
/// What a webhook is told (the <c>data</c> of a CloudEvent): a run's end, a promotion or rollback, or major drift.
/// </summary>
/// <param name="Type">One of <see cref="TrainingEventTypes"/>.</param>
/// <param name="JobId">The job (for a rollback by an operator: <c>rollback:{model}:{version}</c>).</param>
/// <param name="Model">The model.</param>
/// <param name="Time">When it happened.</param>
public sealed record TrainingEvent(string Type, string JobId, string Model, DateTimeOffset Time)
{
    /// <summary>The version registered, promoted or rolled back to.</summary>
    public int? Version { get; init; }

    /// <summary>The run's status (<c>Succeeded</c>, <c>Failed</c>, <c>Skipped</c>).</summary>
    public string? Status { get; init; }

    /// <summary>The contract's error code of a failed run.</summary>
    public string? ErrorCode { get; init; }

    /// <summary>What failed, or why a run was skipped.</summary>
    public string? ErrorMessage { get; init; }

    /// <summary>The primary metric's name.</summary>
    public string? PrimaryMetric { get; init; }

    /// <summary>Its value on the test split.</summary>
    public double? PrimaryMetricValue { get; init; }

    /// <summary>The promotion decision, for people.</summary>
    public string? Decision { get; init; }

    /// <summary>The version replaced (promotion) or left (rollback).</summary>
    public int? PreviousVersion { get; init; }

    /// <summary>For major drift: the data against the current version's profile (max PSI, the most drifted features).</summary>
    public Contracts.DriftReport? Drift { get; init; }

    /// <summary>Blob names (container/blob): the dataset, <c>model.zip</c>, <c>metadata.json</c>, <c>report.html</c>.</summary>
    public IReadOnlyDictionary<string, string>? Links { get; init; }

    /// <summary>The id of the CloudEvent: the same for the same event, so a receiver can drop a redelivery.</summary>
    public string Id => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{JobId}/{Type[TrainingEventTypes.Prefix.Length..]}{(Version is { } v ? $"/v{v}" : "")}");
}

/// <summary>The CloudEvents <c>type</c> of each event.</summary>
public static class TrainingEventTypes
{
    /// <summary>What every type starts with.</summary>
    public const string Prefix = "networkbuster.training.";

    /// <summary>A run registered a version.</summary>
    public const string RunSucceeded = "networkbuster.training.run.succeeded";

    /// <summary>A run failed.</summary>
    public const string RunFailed = "networkbuster.training.run.failed";

    /// <summary>A scheduled run had nothing to do.</summary>
    public const string RunSkipped = "networkbuster.training.run.skipped";

    /// <summary>A version became current.</summary>
    public const string VersionPromoted = "networkbuster.training.version.promoted";

    /// <summary>An operator rolled a model back.</summary>
    public const string VersionRolledBack = "networkbuster.training.version.rolledback";

    /// <summary>A new dataset drifted beyond the major threshold from the current version's training data.</summary>
    public const string DriftMajor = "networkbuster.training.drift.major";
}

/// <summary>The notify activity's input: the events of one moment of a run, and the job's own URL.</summary>
/// <param name="Events">The events, in order.</param>
/// <param name="Target">The job's <c>notify</c> URL, if any.</param>
public sealed record NotifyInput(IReadOnlyList<TrainingEvent> Events, string? Target);
