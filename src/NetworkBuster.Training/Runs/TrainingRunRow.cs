using Azure;
using Azure.Data.Tables;

namespace NetworkBuster.Training.Runs;

/// <summary>A <c>TrainingRuns</c> row: one per job (PartitionKey = jobId, RowKey = <see cref="RowKeyValue"/>).</summary>
public sealed class TrainingRunRow : ITableEntity
{
    /// <summary>The RowKey of every run row.</summary>
    public const string RowKeyValue = "run";

    /// <inheritdoc />
    public string PartitionKey { get; set; } = "";

    /// <inheritdoc />
    public string RowKey { get; set; } = RowKeyValue;

    /// <inheritdoc />
    public DateTimeOffset? Timestamp { get; set; }

    /// <inheritdoc />
    public ETag ETag { get; set; }

    public string JobId { get; set; } = "";

    public string? Model { get; set; }

    public string? Dataset { get; set; }

    public string? Trainer { get; set; }

    public string Status { get; set; } = RunStatus.Pending;

    public string? Step { get; set; }

    public int Progress { get; set; }

    public int Attempt { get; set; }

    public string? ErrorCode { get; set; }

    public string? ErrorMessage { get; set; }

    public int? Version { get; set; }

    public string Trigger { get; set; } = RunTrigger.Queue;

    public string? Priority { get; set; }

    public int? TimeoutMinutes { get; set; }

    /// <summary>The validated job as JSON, for operators (the orchestration's input holds the job it runs).</summary>
    public string? JobJson { get; set; }

    public string? InstanceId { get; set; }

    public string? PrimaryMetric { get; set; }

    public double? PrimaryMetricValue { get; set; }

    public string? PromotionDecision { get; set; }

    /// <summary>The dataset's drift from the current version: max PSI, level, top features (JSON).</summary>
    public string? Drift { get; set; }

    /// <summary>For a succeeded run: whether its report is prepared (<see cref="InsightsState"/>).</summary>
    public string? Insights { get; set; }

    /// <summary>Why the report could not be prepared, when <see cref="Insights"/> is <c>failed</c>.</summary>
    public string? InsightsError { get; set; }

    /// <summary>The register execution that holds the right to allocate this job's version (Durable may run it twice).</summary>
    public string? RegistrationClaim { get; set; }

    /// <summary>When <see cref="RegistrationClaim"/> was taken; a claim older than the registrar's limit is taken over.</summary>
    public DateTimeOffset? RegistrationClaimedAt { get; set; }

    public DateTimeOffset? CreatedAt { get; set; }

    public DateTimeOffset? StartedAt { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }
}
