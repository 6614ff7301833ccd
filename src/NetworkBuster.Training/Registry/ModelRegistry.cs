using System.Net;
using Azure;
using Azure.Data.Tables;
using NetworkBuster.Training.Storage;

namespace NetworkBuster.Training.Registry;

/// <summary>
/// The <c>ModelRegistry</c> table: versions allocated with optimistic concurrency (an insert of the next RowKey
/// fails if another writer took it), and promotion as one entity-group transaction so readers never see zero
/// or two current versions.
/// </summary>
/// <param name="storage">The storage account.</param>
public sealed partial class ModelRegistry(StorageClients storage)
{
    private const int MaxAttempts = 100;
    private readonly TableClient _table = storage.Registry;
    private readonly TableClient _history = storage.History;

    /// <summary>The current version of a model, or null before the first promotion.</summary>
    public async Task<ModelVersionRow?> GetCurrentAsync(string model, CancellationToken cancellationToken = default)
    {
        ModelVersionRow? current = null;
        await foreach (var row in _table.QueryAsync<ModelVersionRow>(r => r.PartitionKey == model && r.IsCurrent, cancellationToken: cancellationToken))
        {
            current = current is null || row.Version > current.Version ? row : current;
        }

        return current;
    }

    /// <summary>A version's row, or null.</summary>
    public async Task<ModelVersionRow?> GetAsync(string model, int version, CancellationToken cancellationToken = default)
    {
        var response = await _table.GetEntityIfExistsAsync<ModelVersionRow>(model, ModelVersionRow.KeyOf(version), cancellationToken: cancellationToken);
        return response.HasValue ? response.Value : null;
    }

    /// <summary>All versions of a model, oldest first.</summary>
    public async Task<IReadOnlyList<ModelVersionRow>> ListAsync(string model, CancellationToken cancellationToken = default)
    {
        var rows = new List<ModelVersionRow>();
        await foreach (var row in _table.QueryAsync<ModelVersionRow>(r => r.PartitionKey == model, cancellationToken: cancellationToken))
        {
            rows.Add(row);
        }

        return rows;
    }

    /// <summary>The version a job registered, or null: a job id never registers two versions.</summary>
    public async Task<ModelVersionRow?> FindByJobAsync(string model, string jobId, CancellationToken cancellationToken = default)
    {
        await foreach (var row in _table.QueryAsync<ModelVersionRow>(r => r.PartitionKey == model && r.JobId == jobId, cancellationToken: cancellationToken))
        {
            return row;
        }

        return null;
    }

    /// <summary>Inserts the row as the next free version of its model and returns that version.</summary>
    public async Task<int> AddVersionAsync(ModelVersionRow row, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(row);
        for (int attempt = 0; attempt < MaxAttempts; attempt++)
        {
            int next = 1;
            await foreach (var existing in _table.QueryAsync<TableEntity>(r => r.PartitionKey == row.Model, select: ["RowKey"], cancellationToken: cancellationToken))
            {
                next = Math.Max(next, int.Parse(existing.RowKey, System.Globalization.CultureInfo.InvariantCulture) + 1);
            }

            row.PartitionKey = row.Model;
            row.RowKey = ModelVersionRow.KeyOf(next);
            row.Version = next;
            row.ModelBlob = ModelVersionRow.ModelBlobOf(row.Model, next);
            try
            {
                await _table.AddEntityAsync(row, cancellationToken);
                return next;
            }
            catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.Conflict)
            {
                // Another job took this version first; count again.
            }
        }

        throw new InvalidOperationException($"Could not allocate a version of {row.Model} after {MaxAttempts} attempts.");
    }
}
