using System.Globalization;
using NetworkBuster.Training.Contracts;
using NetworkBuster.Training.Datasets;
using NetworkBuster.Training.Runs;

namespace NetworkBuster.Training.Api;

/// <summary>The query of <c>GET /api/runs</c>, as the caller wrote it (validated here).</summary>
/// <param name="Model">Only this model's runs.</param>
/// <param name="Status">Only runs in this status (Pending, Running, Succeeded, Failed, Cancelled, Skipped).</param>
/// <param name="Top">How many, newest first: 1–1000, default 50.</param>
public sealed record ListRunsQuery(string? Model, string? Status, string? Top);

/// <summary>Runs, newest first.</summary>
/// <param name="Runs">The runs.</param>
public sealed record RunList(IReadOnlyList<RunView> Runs);

/// <summary>
/// <c>GET /api/runs/{jobId}</c> and <c>GET /api/runs</c>: <c>TrainingRuns</c> rows, with the Durable instance of
/// one run.
/// </summary>
/// <param name="runs">Run rows.</param>
/// <param name="snapshots">Staging (emptied by a cancel).</param>
/// <param name="time">The clock.</param>
public sealed partial class RunsApi(RunStore runs, SnapshotStore snapshots, TimeProvider time)
{
    /// <summary>The default of <see cref="ListRunsQuery.Top"/>.</summary>
    public const int DefaultTop = 50;

    /// <summary>The largest <see cref="ListRunsQuery.Top"/>.</summary>
    public const int MaxTop = 1000;

    private static readonly string[] Statuses = [RunStatus.Pending, RunStatus.Running, RunStatus.Succeeded, RunStatus.Failed, RunStatus.Cancelled, RunStatus.Skipped];

    /// <summary>One run: its row, step and progress, and its Durable instance.</summary>
    public async Task<ApiResult> GetAsync(string jobId, IRunInstances instances, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(instances);
        if (!ContractNames.IsValidJobId(jobId ?? ""))
        {
            return ApiResult.BadRequest(ApiErrorCodes.InvalidRequest, $"A job id must match {ContractNames.JobIdRule}, but found \"{ContractNames.Truncate(jobId ?? "")}\".");
        }

        var row = await runs.GetAsync(jobId!, cancellationToken);
        return row is null
            ? ApiResult.NotFound($"Run {jobId} does not exist in TrainingRuns.")
            : ApiResult.Ok(RunView.Of(row, await instances.GetAsync(jobId!, cancellationToken)));
    }

    /// <summary>Runs filtered by model and status, newest first.</summary>
    public async Task<ApiResult> ListAsync(ListRunsQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        string? status = null;
        if (!string.IsNullOrEmpty(query.Status))
        {
            status = Statuses.FirstOrDefault(s => string.Equals(s, query.Status, StringComparison.OrdinalIgnoreCase));
            if (status is null)
            {
                return ApiResult.BadRequest(ApiErrorCodes.InvalidRequest, $"'status' must be one of {string.Join(", ", Statuses)}, but found \"{ContractNames.Truncate(query.Status)}\".");
            }
        }

        int top = DefaultTop;
        if (!string.IsNullOrEmpty(query.Top) && (!int.TryParse(query.Top, NumberStyles.None, CultureInfo.InvariantCulture, out top) || top is < 1 or > MaxTop))
        {
            return ApiResult.BadRequest(ApiErrorCodes.InvalidRequest, $"'top' must be a whole number from 1 to {MaxTop}, but found \"{ContractNames.Truncate(query.Top)}\".");
        }

        var model = string.IsNullOrEmpty(query.Model) ? null : query.Model;
        var rows = await runs.ListAsync(status, model, top, cancellationToken);
        return ApiResult.Ok(new RunList([.. rows.Select(r => RunView.Of(r, null))]));
    }
}
