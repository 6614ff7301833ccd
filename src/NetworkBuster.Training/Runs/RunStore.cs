using System.Net;
using Azure;
using Azure.Data.Tables;
using NetworkBuster.Training.Storage;

namespace NetworkBuster.Training.Runs;

/// <summary>Reads and writes <c>TrainingRuns</c> rows.</summary>
/// <param name="storage">The storage account.</param>
public sealed partial class RunStore(StorageClients storage)
{
    private const int MaxMessageLength = 8000;
    private readonly TableClient _table = storage.Runs;

    /// <summary>Creates the row, or returns the one that already exists for the job id.</summary>
    /// <returns>The stored row and whether this call created it.</returns>
    public async Task<(TrainingRunRow Row, bool Created)> CreateOrGetAsync(TrainingRunRow row, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(row);
        row.PartitionKey = row.JobId;
        row.ErrorMessage = Clip(row.ErrorMessage);
        try
        {
            await _table.AddEntityAsync(row, cancellationToken);
            return (row, true);
        }
        catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.Conflict)
        {
            return ((await GetAsync(row.JobId, cancellationToken))!, false);
        }
    }

    /// <summary>The run row of a job, or null.</summary>
    public async Task<TrainingRunRow?> GetAsync(string jobId, CancellationToken cancellationToken = default)
    {
        var response = await _table.GetEntityIfExistsAsync<TrainingRunRow>(jobId, TrainingRunRow.RowKeyValue, cancellationToken: cancellationToken);
        return response.HasValue ? response.Value : null;
    }

    /// <summary>Applies an update (a merge of the non-null fields), unless the run was cancelled: a cancelled run stays so.</summary>
    /// <returns>Whether it was written.</returns>
    public async Task<bool> UpdateAsync(RunUpdate update, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(update);
        if (update.IsAmendment)
        {
            return await SetInsightsAsync(update.JobId, update.Insights ?? InsightsState.Pending, update.InsightsError, cancellationToken);
        }

        var entity = new TableEntity(update.JobId, TrainingRunRow.RowKeyValue)
        {
            [nameof(TrainingRunRow.Status)] = update.Status,
            [nameof(TrainingRunRow.Progress)] = update.Progress,
        };
        Set(entity, nameof(TrainingRunRow.Step), update.Step);
        Set(entity, nameof(TrainingRunRow.ErrorCode), update.ErrorCode);
        Set(entity, nameof(TrainingRunRow.ErrorMessage), Clip(update.ErrorMessage));
        Set(entity, nameof(TrainingRunRow.Version), update.Version);
        Set(entity, nameof(TrainingRunRow.PrimaryMetric), update.PrimaryMetric);
        Set(entity, nameof(TrainingRunRow.PrimaryMetricValue), update.PrimaryMetricValue);
        Set(entity, nameof(TrainingRunRow.PromotionDecision), update.PromotionDecision);
        Set(entity, nameof(TrainingRunRow.Drift), update.Drift);
        Set(entity, nameof(TrainingRunRow.Insights), update.Insights);
        Set(entity, nameof(TrainingRunRow.InsightsError), Clip(update.InsightsError));
        if (update.IsStart)
        {
            entity[nameof(TrainingRunRow.StartedAt)] = update.At;
        }

        if (RunStatus.IsTerminal(update.Status))
        {
            entity[nameof(TrainingRunRow.CompletedAt)] = update.At;
        }

        return await WriteUnlessCancelledAsync(entity, cancellationToken);
    }

    /// <summary>
    /// Records whether an ended run's report is prepared, touching nothing else on the row (a succeeded run stays
    /// succeeded whatever happens to its report).
    /// </summary>
    /// <returns>Whether it was written.</returns>
    public async Task<bool> SetInsightsAsync(string jobId, string state, string? error, CancellationToken cancellationToken = default)
    {
        var entity = new TableEntity(jobId, TrainingRunRow.RowKeyValue) { [nameof(TrainingRunRow.Insights)] = state };
        Set(entity, nameof(TrainingRunRow.InsightsError), Clip(error));
        return await WriteUnlessCancelledAsync(entity, cancellationToken);
    }

    /// <summary>Polls a succeeded run until its report is prepared or has failed; returns the final row.</summary>
    /// <exception cref="TimeoutException">When the report's state has not settled within <paramref name="timeout"/>.</exception>
    public async Task<TrainingRunRow> WaitForInsightsAsync(string jobId, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        TrainingRunRow? row = null;
        try
        {
            while (true)
            {
                row = await GetAsync(jobId, cts.Token);
                if (row is not null && (InsightsState.IsSettled(row.Insights) || (RunStatus.IsTerminal(row.Status) && row.Status != RunStatus.Succeeded)))
                {
                    return row;
                }

                await Task.Delay(100, cts.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"The report of run {jobId} was not prepared within {timeout} (run {row?.Status ?? "not recorded"}, insights {row?.Insights ?? "not recorded"}).");
        }
    }

    /// <summary>Sets the attempt counter (how many times the job has been started).</summary>
    public async Task SetAttemptAsync(string jobId, int attempt, CancellationToken cancellationToken = default) =>
        await _table.UpsertEntityAsync(
            new TableEntity(jobId, TrainingRunRow.RowKeyValue) { [nameof(TrainingRunRow.Attempt)] = attempt },
            TableUpdateMode.Merge,
            cancellationToken);

    /// <summary>
    /// Claims the right to allocate the job's version for <paramref name="claim"/>: succeeds when no other claim
    /// exists, when it is this claim, or when the other is older than <paramref name="staleBefore"/> (its execution
    /// died); fails for a second, concurrent execution before it can take a version number.
    /// </summary>
    /// <returns>Whether this claim holds.</returns>
    public async Task<bool> TryClaimRegistrationAsync(string jobId, string claim, DateTimeOffset now, DateTimeOffset staleBefore, CancellationToken cancellationToken = default)
    {
        for (int attempt = 0; attempt < 10; attempt++)
        {
            var row = await GetAsync(jobId, cancellationToken);
            if (row?.Status == RunStatus.Cancelled || (row?.RegistrationClaim is { } other && other != claim && row.RegistrationClaimedAt > staleBefore))
            {
                return false;
            }

            var entity = new TableEntity(jobId, TrainingRunRow.RowKeyValue)
            {
                [nameof(TrainingRunRow.RegistrationClaim)] = claim,
                [nameof(TrainingRunRow.RegistrationClaimedAt)] = now,
            };
            try
            {
                if (row is null)
                {
                    await _table.AddEntityAsync(entity, cancellationToken);
                }
                else
                {
                    await _table.UpdateEntityAsync(entity, row.ETag, TableUpdateMode.Merge, cancellationToken);
                }

                return true;
            }
            catch (RequestFailedException ex) when (ex.Status is (int)HttpStatusCode.PreconditionFailed or (int)HttpStatusCode.Conflict)
            {
                // The row changed under us (a progress update, or the other claim): read it again.
            }
        }

        return false;
    }

    /// <summary>Gives up a registration claim this execution holds (best effort: a claim also lapses by age).</summary>
    public async Task ReleaseRegistrationAsync(string jobId, string claim, CancellationToken cancellationToken = default)
    {
        var row = await GetAsync(jobId, cancellationToken);
        if (row?.RegistrationClaim == claim)
        {
            try
            {
                await _table.UpdateEntityAsync(
                    new TableEntity(jobId, TrainingRunRow.RowKeyValue) { [nameof(TrainingRunRow.RegistrationClaimedAt)] = DateTimeOffset.UnixEpoch },
                    row.ETag,
                    TableUpdateMode.Merge,
                    cancellationToken);
            }
            catch (RequestFailedException)
            {
                // Lapses by age.
            }
        }
    }

    /// <summary>Runs in a status, newest first.</summary>
    public Task<IReadOnlyList<TrainingRunRow>> ListAsync(string? status = null, int max = 100, CancellationToken cancellationToken = default) =>
        ListAsync(status, null, max, cancellationToken);

    /// <summary>Runs in a status (any when null) of a model (any when null), newest first.</summary>
    public async Task<IReadOnlyList<TrainingRunRow>> ListAsync(string? status, string? model, int max, CancellationToken cancellationToken = default)
    {
        var filter = (status, model) switch
        {
            (null, null) => null,
            (not null, null) => TableClient.CreateQueryFilter($"Status eq {status}"),
            (null, not null) => TableClient.CreateQueryFilter($"Model eq {model}"),
            _ => TableClient.CreateQueryFilter($"Status eq {status} and Model eq {model}"),
        };
        var rows = new List<TrainingRunRow>();
        await foreach (var row in _table.QueryAsync<TrainingRunRow>(filter, cancellationToken: cancellationToken))
        {
            rows.Add(row);
        }

        return [.. rows.OrderByDescending(r => r.CreatedAt).Take(max)];
    }

    /// <summary>Polls a run until it ends, reporting each change; returns the final row.</summary>
    /// <exception cref="TimeoutException">When the run has not ended within <paramref name="timeout"/>.</exception>
    public async Task<TrainingRunRow> WaitAsync(string jobId, TimeSpan timeout, Action<TrainingRunRow>? onChange = null, CancellationToken cancellationToken = default)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        string? seen = null;
        try
        {
            while (true)
            {
                var row = await GetAsync(jobId, cts.Token);
                if (row is not null)
                {
                    var state = $"{row.Status}/{row.Step}/{row.Progress}";
                    if (state != seen)
                    {
                        seen = state;
                        onChange?.Invoke(row);
                    }

                    if (RunStatus.IsTerminal(row.Status))
                    {
                        return row;
                    }
                }

                await Task.Delay(250, cts.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"Run {jobId} did not end within {timeout} (last state {seen ?? "not recorded"}).");
        }
    }

    private static void Set(TableEntity entity, string name, object? value)
    {
        if (value is not null)
        {
            entity[name] = value;
        }
    }

    private static string? Clip(string? message) =>
        message is { Length: > MaxMessageLength } ? string.Concat(message.AsSpan(0, MaxMessageLength), "…") : message;
}
