using NetworkBuster.Training.Runs;

namespace NetworkBuster.Training.Api;

/// <summary>A run as the API shows it: the contract's <c>TrainingRuns</c> columns and, for one run, its Durable instance.</summary>
public sealed record RunView(
    string JobId,
    string? Model,
    string? Dataset,
    string? Trainer,
    string Status,
    string? Step,
    int Progress,
    int Attempt,
    string? ErrorCode,
    string? ErrorMessage,
    int? Version,
    string? PrimaryMetric,
    double? PrimaryMetricValue,
    string? PromotionDecision,
    string Trigger,
    DateTimeOffset? CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? CompletedAt,
    RunInstance? Instance)
{
    /// <summary>For a succeeded run: whether its version's report is prepared (<c>pending</c>, <c>ready</c>, <c>failed</c>).</summary>
    public string? Insights { get; init; }

    /// <summary>Why the report could not be prepared.</summary>
    public string? InsightsError { get; init; }

    /// <summary>The view of a row, with its instance when it was read.</summary>
    public static RunView Of(TrainingRunRow row, RunInstance? instance)
    {
        ArgumentNullException.ThrowIfNull(row);
        return new(
            row.JobId, row.Model, row.Dataset, row.Trainer, row.Status, row.Step, row.Progress, row.Attempt, row.ErrorCode, row.ErrorMessage,
            row.Version, row.PrimaryMetric, row.PrimaryMetricValue, row.PromotionDecision, row.Trigger, row.CreatedAt, row.StartedAt, row.CompletedAt, instance)
        {
            Insights = row.Insights,
            InsightsError = row.InsightsError,
        };
    }
}
