using System.Net;
using Azure;
using Azure.Data.Tables;

namespace NetworkBuster.Training.Registry;

/// <summary>Promotion, rollback and history: every change of the current version is one entity-group transaction.</summary>
public sealed partial class ModelRegistry
{
    /// <summary>
    /// Makes <paramref name="version"/> current and the previous current one not, atomically; retried on a
    /// concurrent change. Appends a history row.
    /// </summary>
    /// <returns>The version that was current before, if any.</returns>
    /// <exception cref="RegistryException">When the version does not exist or its blobs were deleted.</exception>
    public async Task<int?> PromoteAsync(string model, int version, DateTimeOffset at, string by, string? reason = null, CancellationToken cancellationToken = default)
    {
        var previous = await SwitchCurrentAsync(
            model,
            rows => rows.FirstOrDefault(r => r.Version == version) is { } target
                ? target.BlobsDeletedAt is null
                    ? (target, VersionStatus.Available)
                    : throw new RegistryException($"{model}:{version} cannot become current: retention deleted its blobs at {target.BlobsDeletedAt:u}.")
                : throw new NotFoundException($"{model}:{version} does not exist."),
            at,
            cancellationToken);
        if (previous != version)
        {
            await AppendHistoryAsync(model, version, previous, HistoryAction.Promote, by, reason, at, cancellationToken);
        }

        return previous;
    }

    /// <summary>
    /// Makes the newest available version older than the current one current, and marks the rolled-back one
    /// deprecated, atomically. Appends a history row.
    /// </summary>
    /// <returns>The versions rolled back from and to.</returns>
    /// <exception cref="RegistryException">When there is no current version or no earlier available one.</exception>
    public async Task<(int From, int To)> RollbackAsync(string model, DateTimeOffset at, string by, string? reason = null, CancellationToken cancellationToken = default)
    {
        int from = 0;
        int to = 0;
        await SwitchCurrentAsync(
            model,
            rows =>
            {
                var current = rows.FirstOrDefault(r => r.IsCurrent) ?? throw new NotFoundException($"{model} has no current version to roll back.");
                var target = rows.Where(r => r.Version < current.Version && r.IsServable).MaxBy(r => r.Version)
                    ?? throw new RegistryException($"{model} has no available version older than the current {current.Version} to roll back to.");
                (from, to) = (current.Version, target.Version);
                return (target, VersionStatus.Deprecated);
            },
            at,
            cancellationToken);
        await AppendHistoryAsync(model, to, from, HistoryAction.Rollback, by, reason, at, cancellationToken);
        return (from, to);
    }

    /// <summary>The history of current versions, newest first.</summary>
    public async Task<IReadOnlyList<ModelHistoryRow>> HistoryAsync(string model, int max = 100, CancellationToken cancellationToken = default)
    {
        var rows = new List<ModelHistoryRow>();
        await foreach (var row in _history.QueryAsync<ModelHistoryRow>(r => r.PartitionKey == model, maxPerPage: max, cancellationToken: cancellationToken))
        {
            rows.Add(row);
            if (rows.Count == max)
            {
                break;
            }
        }

        return rows;
    }

    /// <summary>Appends a history row.</summary>
    public async Task AppendHistoryAsync(string model, int? version, int? previous, string action, string by, string? reason, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        await _history.AddEntityAsync(
            new ModelHistoryRow { PartitionKey = model, RowKey = ModelHistoryRow.KeyFor(at), Version = version, PreviousVersion = previous, Action = action, By = by, Reason = reason, At = at },
            cancellationToken);

    /// <summary>
    /// The one place the current version changes. The transaction always writes, with its ETag, the row that
    /// guards the change: the current version, or (when none is current yet) the lowest version, so two first
    /// promotions racing cannot both succeed.
    /// </summary>
    private async Task<int?> SwitchCurrentAsync(
        string model,
        Func<IReadOnlyList<ModelVersionRow>, (ModelVersionRow Target, string DemotedStatus)> choose,
        DateTimeOffset at,
        CancellationToken cancellationToken)
    {
        for (int attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var rows = await ListAsync(model, cancellationToken);
            var (target, demotedStatus) = choose(rows);
            var current = rows.Where(r => r.IsCurrent).MaxBy(r => r.Version);
            if (current?.Version == target.Version)
            {
                return current.Version;
            }

            var actions = new List<TableTransactionAction>
            {
                new(TableTransactionActionType.UpdateMerge, new TableEntity(model, target.RowKey) { ["IsCurrent"] = true, ["PromotedAt"] = at, ["Status"] = VersionStatus.Available }, target.ETag),
            };
            var guard = current ?? rows.MinBy(r => r.Version)!;
            if (current is not null)
            {
                actions.Add(new(TableTransactionActionType.UpdateMerge, new TableEntity(model, current.RowKey) { ["IsCurrent"] = false, ["Status"] = demotedStatus }, current.ETag));
            }
            else if (guard.Version != target.Version)
            {
                actions.Add(new(TableTransactionActionType.UpdateMerge, new TableEntity(model, guard.RowKey) { ["CurrentChangedAt"] = at }, guard.ETag));
            }

            try
            {
                await _table.SubmitTransactionAsync(actions, cancellationToken);
                return current?.Version;
            }
            catch (RequestFailedException ex) when (ex.Status is (int)HttpStatusCode.PreconditionFailed or (int)HttpStatusCode.Conflict)
            {
                // A concurrent change touched a row we read; read again.
            }
        }

        throw new InvalidOperationException($"Could not change the current version of {model} after {MaxAttempts} attempts.");
    }
}
