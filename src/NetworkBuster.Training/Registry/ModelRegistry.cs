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
            row.InputSchemaBlob = row.InputSchema is null && row.InputSchemaSha256 is not null ? ModelVersionRow.SchemaBlobOf(row.Model, next) : null;
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

    /// <summary>Every model with a registered version: its version count and its current version, if any.</summary>
    public async Task<IReadOnlyList<ModelSummary>> SummarizeAsync(CancellationToken cancellationToken = default)
    {
        var rows = new List<TableEntity>();
        await foreach (var e in _table.QueryAsync<TableEntity>(select: ["PartitionKey", "Version", "IsCurrent", "PrimaryMetric", "PrimaryMetricValue"], cancellationToken: cancellationToken))
        {
            rows.Add(e);
        }

        return [.. rows.GroupBy(e => e.PartitionKey).Select(g =>
        {
            var current = g.Where(e => e.GetBoolean("IsCurrent") == true).MaxBy(e => e.GetInt32("Version"));
            return new ModelSummary(g.Key, g.Count(), current?.GetInt32("Version"), current?.GetString("PrimaryMetric"), current?.GetDouble("PrimaryMetricValue"));
        })];
    }

    /// <summary>
    /// Adds what explain learned to a registered version's row (its top feature importance and the preset's
    /// bottlenecks), touching no other column; false when the row is gone.
    /// </summary>
    public async Task<bool> SetExplanationAsync(string model, int version, string? featureImportance, string? bottlenecks, CancellationToken cancellationToken = default)
    {
        var entity = new TableEntity(model, ModelVersionRow.KeyOf(version));
        if (featureImportance is not null)
        {
            entity[nameof(ModelVersionRow.FeatureImportance)] = featureImportance;
        }

        if (bottlenecks is not null)
        {
            entity[nameof(ModelVersionRow.Bottlenecks)] = bottlenecks;
        }

        if (entity.Count <= 2)
        {
            return true;
        }

        try
        {
            await _table.UpdateEntityAsync(entity, ETag.All, TableUpdateMode.Merge, cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    /// <summary>
    /// Marks a non-current version deprecated with its blobs deleted (retention), unless the row changed since
    /// <paramref name="row"/> was read (perhaps promoted): then false, and nothing is written.
    /// </summary>
    public async Task<bool> MarkBlobsDeletedAsync(ModelVersionRow row, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(row);
        try
        {
            await _table.UpdateEntityAsync(
                new TableEntity(row.PartitionKey, row.RowKey) { ["Status"] = VersionStatus.Deprecated, ["BlobsDeletedAt"] = at, ["IsCurrent"] = false },
                row.ETag,
                TableUpdateMode.Merge,
                cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.PreconditionFailed)
        {
            return false;
        }
    }
}

/// <summary>One model of the registry at a glance.</summary>
/// <param name="Model">The model name.</param>
/// <param name="Versions">How many versions are registered.</param>
/// <param name="CurrentVersion">The current version, if any.</param>
/// <param name="PrimaryMetric">The current version's primary metric name.</param>
/// <param name="PrimaryMetricValue">The current version's primary metric value.</param>
public sealed record ModelSummary(string Model, int Versions, int? CurrentVersion, string? PrimaryMetric, double? PrimaryMetricValue);
