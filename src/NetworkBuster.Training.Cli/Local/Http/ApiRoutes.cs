using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using NetworkBuster.Training.Api;
using NetworkBuster.Training.Orchestration;

namespace NetworkBuster.Training.Cli.Local.Http;

/// <summary>The routes of the Functions app's HTTP triggers, each over the same core handler.</summary>
internal static class ApiRoutes
{
    /// <summary>The largest body Kestrel accepts (413 past it); a job message is at most 64 KiB and the parser names that limit.</summary>
    public const long MaxBodyBytes = 1024 * 1024;

    /// <summary>The OpenAPI document's path, served without a key (it describes routes, never data).</summary>
    public const string OpenApiPath = "/api/openapi.json";

    public static void Map(IEndpointRouteBuilder app, IServiceProvider services)
    {
        var jobs = services.GetRequiredService<JobsApi>();
        var runs = services.GetRequiredService<RunsApi>();
        var models = services.GetRequiredService<ModelsApi>();
        var predict = services.GetRequiredService<PredictApi>();
        var instances = new DurableRunInstances(services.GetRequiredService<DurableTaskClient>());

        app.MapGet(OpenApiPath, () => Results.Content(OpenApiDocument.Json, "application/json; charset=utf-8"));
        app.MapPost("/api/jobs", async (HttpContext c) => await WriteAsync(c, await jobs.SubmitAsync(new SubmitJobRequest(await ReadBodyAsync(c.Request), BaseAddress(c.Request)), c.RequestAborted)));
        app.MapGet("/api/runs", (HttpContext c) => Answer(c, runs.ListAsync(new ListRunsQuery(c.Request.Query["model"], c.Request.Query["status"], c.Request.Query["top"]), c.RequestAborted)));
        app.MapGet("/api/runs/{jobId}", (HttpContext c, string jobId) => Answer(c, runs.GetAsync(jobId, instances, c.RequestAborted)));
        app.MapPost("/api/runs/{jobId}/cancel", (HttpContext c, string jobId) => Answer(c, runs.CancelAsync(jobId, instances, c.RequestAborted)));
        app.MapGet("/api/models", (HttpContext c) => Answer(c, models.ListAsync(c.RequestAborted)));
        app.MapGet("/api/models/{model}", (HttpContext c, string model) => Answer(c, models.GetAsync(model, c.RequestAborted)));
        app.MapGet("/api/models/{model}/versions/{version}", (HttpContext c, string model, string version) => Answer(c, models.GetVersionAsync(model, version, c.RequestAborted)));
        app.MapPost("/api/models/{model}/predict", async (HttpContext c, string model) =>
            await WriteAsync(c, await predict.PredictAsync(new PredictRequest(model, null, await ReadBodyAsync(c.Request), c.Request.Query["top"]), c.RequestAborted)));
        app.MapPost("/api/models/{model}/versions/{version}/predict", async (HttpContext c, string model, string version) =>
            await WriteAsync(c, await predict.PredictAsync(new PredictRequest(model, version, await ReadBodyAsync(c.Request), c.Request.Query["top"]), c.RequestAborted)));
    }

    public static ApiResult Unauthorized(HttpContext context) => new(
        StatusCodes.Status401Unauthorized,
        new ApiError(
            ApiErrorCodes.Unauthorized,
            context.Request.Headers.ContainsKey(ApiKey.Header) || context.Request.Query.ContainsKey(ApiKey.QueryParameter)
                ? $"Expected the host's key in the {ApiKey.Header} header or ?{ApiKey.QueryParameter}=, but found a key that does not match."
                : $"Expected the host's key in the {ApiKey.Header} header or ?{ApiKey.QueryParameter}=, but found neither."));

    public static async Task WriteAsync(HttpContext context, ApiResult result)
    {
        context.Response.StatusCode = result.Status;
        context.Response.ContentType = "application/json; charset=utf-8";
        if (result.Location is { } location)
        {
            context.Response.Headers.Location = location;
        }

        await context.Response.WriteAsync(result.ToJson(), context.RequestAborted);
    }

    private static async Task Answer(HttpContext context, Task<ApiResult> result) => await WriteAsync(context, await result);

    private static Uri BaseAddress(HttpRequest request) => new($"{request.Scheme}://{request.Host}{request.PathBase}/");

    private static async Task<string> ReadBodyAsync(HttpRequest request)
    {
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        return await reader.ReadToEndAsync(request.HttpContext.RequestAborted);
    }
}
