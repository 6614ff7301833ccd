using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using NetworkBuster.Training.Api;
using NetworkBuster.Training.Orchestration;

namespace NetworkBuster.Training.Functions;

/// <summary>
/// The HTTP API (function keys: <c>x-functions-key</c> or <c>?code=</c>): each trigger hands plain values to the
/// core's handler, the same one the local host serves, and writes its answer. Errors are <c>{code, message}</c>.
/// </summary>
/// <param name="jobs">Submit.</param>
/// <param name="runs">Runs.</param>
/// <param name="models">The registry.</param>
/// <param name="predict">Online scoring.</param>
public sealed class ApiFunctions(JobsApi jobs, RunsApi runs, ModelsApi models, PredictApi predict)
{
    /// <summary><c>POST /api/jobs</c>: the queue message's body; 202 with the job id and its status URL, 400 with the error code.</summary>
    [Function(nameof(SubmitJob))]
    public async Task<IActionResult> SubmitJob([HttpTrigger(AuthorizationLevel.Function, "post", Route = "jobs")] HttpRequest request, CancellationToken cancellationToken)
    {
        var body = await ReadBodyAsync(request, cancellationToken);
        return new ApiResultAction(await jobs.SubmitAsync(new SubmitJobRequest(body, ApiResultAction.BaseAddress(request)), cancellationToken));
    }

    /// <summary><c>GET /api/runs?model=&amp;status=&amp;top=</c>: runs, newest first.</summary>
    [Function(nameof(ListRuns))]
    public async Task<IActionResult> ListRuns([HttpTrigger(AuthorizationLevel.Function, "get", Route = "runs")] HttpRequest request, CancellationToken cancellationToken) =>
        new ApiResultAction(await runs.ListAsync(new ListRunsQuery(request.Query["model"], request.Query["status"], request.Query["top"]), cancellationToken));

    /// <summary><c>GET /api/runs/{jobId}</c>: the run row, step, progress and the Durable instance's status.</summary>
    [Function(nameof(GetRun))]
    public async Task<IActionResult> GetRun(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "runs/{jobId}")] HttpRequest request,
        string jobId,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken) =>
        new ApiResultAction(await runs.GetAsync(jobId, new DurableRunInstances(client), cancellationToken));

    /// <summary><c>POST /api/runs/{jobId}/cancel</c>: records Cancelled, terminates the instance, empties staging; 409 for an ended run.</summary>
    [Function(nameof(CancelRun))]
    public async Task<IActionResult> CancelRun(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "runs/{jobId}/cancel")] HttpRequest request,
        string jobId,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken) =>
        new ApiResultAction(await runs.CancelAsync(jobId, new DurableRunInstances(client), cancellationToken));

    /// <summary><c>GET /api/openapi.json</c>: the API's OpenAPI 3.0 document (anonymous: it describes routes, never data).</summary>
    [Function(nameof(OpenApi))]
    public static IActionResult OpenApi([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "openapi.json")] HttpRequest request) =>
        new ContentResult { Content = OpenApiDocument.Json, ContentType = "application/json; charset=utf-8", StatusCode = 200 };

    /// <summary><c>GET /api/models</c>: every model and its current version.</summary>
    [Function(nameof(ListModels))]
    public async Task<IActionResult> ListModels([HttpTrigger(AuthorizationLevel.Function, "get", Route = "models")] HttpRequest request, CancellationToken cancellationToken) =>
        new ApiResultAction(await models.ListAsync(cancellationToken));

    /// <summary><c>GET /api/models/{model}</c>: a model's versions.</summary>
    [Function(nameof(GetModel))]
    public async Task<IActionResult> GetModel([HttpTrigger(AuthorizationLevel.Function, "get", Route = "models/{model}")] HttpRequest request, string model, CancellationToken cancellationToken) =>
        new ApiResultAction(await models.GetAsync(model, cancellationToken));

    /// <summary><c>GET /api/models/{model}/versions/{version}</c>: lineage, metrics, links to the report and the model.</summary>
    [Function(nameof(GetModelVersion))]
    public async Task<IActionResult> GetModelVersion(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "models/{model}/versions/{version}")] HttpRequest request,
        string model,
        string version,
        CancellationToken cancellationToken) =>
        new ApiResultAction(await models.GetVersionAsync(model, version, cancellationToken));

    /// <summary><c>POST /api/models/{model}/predict[?top=]</c>: rows → predictions with the current version.</summary>
    [Function(nameof(Predict))]
    public async Task<IActionResult> Predict([HttpTrigger(AuthorizationLevel.Function, "post", Route = "models/{model}/predict")] HttpRequest request, string model, CancellationToken cancellationToken) =>
        new ApiResultAction(await predict.PredictAsync(new PredictRequest(model, null, await ReadBodyAsync(request, cancellationToken), request.Query["top"]), cancellationToken));

    /// <summary><c>POST /api/models/{model}/versions/{version}/predict[?top=]</c>: rows → predictions with a named version.</summary>
    [Function(nameof(PredictWithVersion))]
    public async Task<IActionResult> PredictWithVersion(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "models/{model}/versions/{version}/predict")] HttpRequest request,
        string model,
        string version,
        CancellationToken cancellationToken) =>
        new ApiResultAction(await predict.PredictAsync(new PredictRequest(model, version, await ReadBodyAsync(request, cancellationToken), request.Query["top"]), cancellationToken));

    private static async Task<string> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(request.Body);
        return await reader.ReadToEndAsync(cancellationToken);
    }
}
