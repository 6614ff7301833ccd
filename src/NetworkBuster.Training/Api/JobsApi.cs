using System.Globalization;
using NetworkBuster.Training.Admissions;
using NetworkBuster.Training.Jobs;
using NetworkBuster.Training.Runs;
using NetworkBuster.Training.Storage;

namespace NetworkBuster.Training.Api;

/// <summary>A job submitted over HTTP.</summary>
/// <param name="Body">The request body: the queue message's JSON (plain, or base64 of it).</param>
/// <param name="BaseAddress">The API's address as the caller reached it (scheme, host, port), for the status URL.</param>
public sealed record SubmitJobRequest(string Body, Uri BaseAddress);

/// <summary>The answer to a submitted job.</summary>
/// <param name="JobId">The job id (the message's, or one generated for it).</param>
/// <param name="Status">The run's status now (<c>Pending</c> for a new job).</param>
/// <param name="StatusUrl">Where to follow the run: <c>GET /api/runs/{jobId}</c>.</param>
public sealed record JobAccepted(string JobId, string Status, string StatusUrl);

/// <summary>
/// <c>POST /api/jobs</c>: the queue message's body with the queue's validation and error codes. A valid job gets its
/// run row (trigger <c>http</c>) and goes on <c>ai-training-jobs</c>, so it starts exactly as a queued job does
/// (the same job id never runs twice); 202 with its status URL. A job id that already finished is not queued again:
/// 200 with its final status.
/// </summary>
/// <param name="admission">Validation and run rows (the queue trigger's own first step).</param>
/// <param name="runs">Run rows.</param>
/// <param name="storage">The jobs queue.</param>
/// <param name="time">The clock (generated job ids).</param>
public sealed class JobsApi(JobAdmission admission, RunStore runs, StorageClients storage, TimeProvider time)
{
    /// <summary>Validates, records and queues a job.</summary>
    public async Task<ApiResult> SubmitAsync(SubmitJobRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var parsed = JobMessageParser.Parse(request.Body, NewJobId());
        if (parsed.Failure is { } failure)
        {
            return ApiResult.BadRequest(failure.Code.ToString(), failure.Message);
        }

        var job = parsed.Job!;
        var admitted = await admission.AdmitAsync(job, RunTrigger.Http, cancellationToken);
        if (admitted.Outcome == AdmissionOutcome.Start)
        {
            await storage.JobsQueue.SendMessageAsync(JobMessageWriter.ToJson(job), cancellationToken);
        }

        var row = await runs.GetAsync(job.JobId, cancellationToken);
        var statusUrl = new Uri(request.BaseAddress, "api/runs/" + job.JobId).ToString();
        return new ApiResult(admitted.Outcome == AdmissionOutcome.Start ? 202 : 200, new JobAccepted(job.JobId, row?.Status ?? RunStatus.Pending, statusUrl), statusUrl);
    }

    private string NewJobId() =>
        string.Create(CultureInfo.InvariantCulture, $"api-{time.GetUtcNow():yyyyMMdd-HHmmss}-{Guid.NewGuid().ToString("N")[..6]}");
}
