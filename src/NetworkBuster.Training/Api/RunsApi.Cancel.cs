using NetworkBuster.Training.Contracts;
using NetworkBuster.Training.Runs;

namespace NetworkBuster.Training.Api;

/// <summary><c>POST /api/runs/{jobId}/cancel</c>.</summary>
public sealed partial class RunsApi
{
    /// <summary>
    /// Cancels a pending or running run: records <c>Cancelled</c> (unless its version is already being registered),
    /// terminates its instance and empties its staging; a step still running ends on its own and its output is
    /// discarded. 200 with the run; 404 for an unknown run; 409 for a run that ended or is registering.
    /// </summary>
    public async Task<ApiResult> CancelAsync(string jobId, IRunInstances instances, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(instances);
        if (!ContractNames.IsValidJobId(jobId ?? ""))
        {
            return ApiResult.BadRequest(ApiErrorCodes.InvalidRequest, $"A job id must match {ContractNames.JobIdRule}, but found \"{ContractNames.Truncate(jobId ?? "")}\".");
        }

        var at = time.GetUtcNow();
        var (outcome, row) = await runs.TryCancelAsync(jobId!, $"Cancelled by a request at {at:u}.", at, cancellationToken);
        switch (outcome)
        {
            case CancelOutcome.NotFound:
                return ApiResult.NotFound($"Run {jobId} does not exist in TrainingRuns.");
            case CancelOutcome.AlreadyEnded:
                return ApiResult.Conflict($"Run {jobId} cannot be cancelled: expected a Pending or Running run, but it already ended as {row!.Status}{(row.Version is { } v ? $" (version {v})" : "")}.");
            case CancelOutcome.Registering:
                return ApiResult.Conflict($"Run {jobId} cannot be cancelled: expected a run before its register step, but it is registering its version now.");
        }

        await instances.TerminateAsync(jobId!, "cancelled", cancellationToken);
        await snapshots.DeleteAsync(jobId!, cancellationToken);
        return ApiResult.Ok(RunView.Of(row!, await instances.GetAsync(jobId!, cancellationToken)));
    }
}
