using System.Globalization;
using Azure;
using Azure.Data.Tables;

namespace NetworkBuster.Training.Registry;

/// <summary>
/// A <c>ModelHistory</c> row: PartitionKey = model, RowKey = reverse ticks plus a suffix, so the newest change
/// reads first. Append-only.
/// </summary>
public sealed class ModelHistoryRow : ITableEntity
{
    /// <inheritdoc />
    public string PartitionKey { get; set; } = "";

    /// <inheritdoc />
    public string RowKey { get; set; } = "";

    /// <inheritdoc />
    public DateTimeOffset? Timestamp { get; set; }

    /// <inheritdoc />
    public ETag ETag { get; set; }

    /// <summary>The version that became current (null when none did).</summary>
    public int? Version { get; set; }

    /// <summary>The version that was current before.</summary>
    public int? PreviousVersion { get; set; }

    /// <summary><c>promote</c>, <c>rollback</c>, <c>retention</c>.</summary>
    public string Action { get; set; } = "";

    /// <summary>Who or what made the change: <c>job:{jobId}</c> or <c>cli:{user}@{machine}</c>.</summary>
    public string By { get; set; } = "";

    /// <summary>Why.</summary>
    public string? Reason { get; set; }

    /// <summary>When.</summary>
    public DateTimeOffset At { get; set; }

    /// <summary>A row key that sorts newest first.</summary>
    public static string KeyFor(DateTimeOffset at) =>
        (DateTimeOffset.MaxValue.UtcTicks - at.UtcTicks).ToString("D19", CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..8];
}

/// <summary>History actions.</summary>
public static class HistoryAction
{
    /// <summary>A version became current (by the gate or an operator).</summary>
    public const string Promote = "promote";

    /// <summary>The previous available version became current again.</summary>
    public const string Rollback = "rollback";

    /// <summary>Old versions were deprecated and their blobs deleted.</summary>
    public const string Retention = "retention";
}
