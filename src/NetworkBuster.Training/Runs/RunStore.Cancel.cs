using System.Net;
using Azure;
using Azure.Data.Tables;

namespace NetworkBuster.Training.Runs;

/// <summary>What a cancel request found.</summary>
public enum CancelOutcome
{
    /// <summary>The run is now <c>Cancelled</c>.</summary>
    Cancelled,

    /// <summary>No such run.</summary>
    NotFound,

    /// <summary>The run had already ended; nothing changed.</summary>
    AlreadyEnded,

    /// <summary>The run holds its registration claim: its version is being written, too late to cancel.</summary>
    Registering,
}

/// <summary>Cancellation: one conditional write that either the cancel or the registration claim wins, never both.</summary>
public sealed partial class RunStore
{
    /// <summary>How long a registration claim holds before another execution may take it over.</summary>
    public static readonly TimeSpan RegistrationClaimLifetime = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Marks a run <c>Cancelled</c> unless it ended or is registering its version. The write is conditional on the
    /// row read (its ETag), as the registration claim is, so a run is either cancelled or registers, not both.
    /// </summary>
    /// <returns>The outcome and the row as it is now.</returns>
    public async Task<(CancelOutcome Outcome, TrainingRunRow? Row)> TryCancelAsync(string jobId, string reason, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        for (int attempt = 0; ; attempt++)
        {
            var row = await GetAsync(jobId, cancellationToken);
            if (row is null || RunStatus.IsTerminal(row.Status))
            {
                return (row is null ? CancelOutcome.NotFound : CancelOutcome.AlreadyEnded, row);
            }

            if (row.RegistrationClaim is not null && row.RegistrationClaimedAt > at - RegistrationClaimLifetime)
            {
                return (CancelOutcome.Registering, row);
            }

            var entity = new TableEntity(jobId, TrainingRunRow.RowKeyValue)
            {
                [nameof(TrainingRunRow.Status)] = RunStatus.Cancelled,
                [nameof(TrainingRunRow.ErrorMessage)] = reason,
                [nameof(TrainingRunRow.CompletedAt)] = at,
            };
            try
            {
                await _table.UpdateEntityAsync(entity, row.ETag, TableUpdateMode.Merge, cancellationToken);
                return (CancelOutcome.Cancelled, await GetAsync(jobId, cancellationToken));
            }
            catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.PreconditionFailed && attempt < 10)
            {
                // A progress update or a claim changed the row: decide again on what it is now.
            }
        }
    }

    // A merge conditional on the row read, so an update read before a cancel cannot overwrite it after.
    private async Task<bool> WriteUnlessCancelledAsync(TableEntity entity, CancellationToken cancellationToken)
    {
        for (int attempt = 0; ; attempt++)
        {
            var row = await GetAsync(entity.PartitionKey, cancellationToken);
            if (row?.Status == RunStatus.Cancelled)
            {
                return false;
            }

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
            catch (RequestFailedException ex) when (ex.Status is (int)HttpStatusCode.PreconditionFailed or (int)HttpStatusCode.Conflict && attempt < 10)
            {
                // The row changed (or appeared) under us: read it again.
            }
        }
    }
}
