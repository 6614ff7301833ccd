using System.Text.Json;
using Azure.Data.Tables;
using NetworkBuster.Training.Datasets;
using NetworkBuster.Training.Storage;

namespace NetworkBuster.Training.Workflow;

/// <summary>
/// The local host's equivalent of Durable Functions' history: the result of each completed activity call of a
/// job, keyed by call sequence, so a restarted host replays them instead of running the steps again. Table
/// <c>TrainingCheckpoints</c> (an addition to the contract), PartitionKey = jobId.
/// </summary>
/// <param name="storage">The storage account.</param>
public sealed class CheckpointStore(StorageClients storage)
{
    private readonly TableClient _table = storage.Tables.GetTableClient(StorageNames.CheckpointsTable);

    /// <summary>The recorded result of call <paramref name="sequence"/>, or null.</summary>
    public async Task<(bool Found, T? Value)> TryGetAsync<T>(string jobId, int sequence, string activity, CancellationToken cancellationToken)
    {
        var row = await _table.GetEntityIfExistsAsync<TableEntity>(jobId, Key(sequence, activity), cancellationToken: cancellationToken);
        return row.HasValue ? (true, JsonSerializer.Deserialize<T>(row.Value!.GetString("Result"), SnapshotStore.Json)) : (false, default);
    }

    /// <summary>Records the result of call <paramref name="sequence"/>.</summary>
    public async Task SaveAsync<T>(string jobId, int sequence, string activity, T value, CancellationToken cancellationToken) =>
        await _table.UpsertEntityAsync(
            new TableEntity(jobId, Key(sequence, activity)) { ["Activity"] = activity, ["Result"] = JsonSerializer.Serialize(value, SnapshotStore.Json) },
            TableUpdateMode.Replace,
            cancellationToken);

    /// <summary>Deletes a finished job's checkpoints.</summary>
    public async Task DeleteAsync(string jobId, CancellationToken cancellationToken)
    {
        await foreach (var row in _table.QueryAsync<TableEntity>(e => e.PartitionKey == jobId, select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken))
        {
            await _table.DeleteEntityAsync(row.PartitionKey, row.RowKey, cancellationToken: cancellationToken);
        }
    }

    private static string Key(int sequence, string activity) => $"{sequence:D4}-{activity}";
}
