using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using NetworkBuster.Training.Api;

namespace NetworkBuster.Training.Functions;

/// <summary>Writes a core handler's <see cref="ApiResult"/> as it is: status, JSON body, <c>Location</c>.</summary>
/// <param name="result">The handler's answer.</param>
public sealed class ApiResultAction(ApiResult result) : IActionResult
{
    /// <inheritdoc />
    public async Task ExecuteResultAsync(ActionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var response = context.HttpContext.Response;
        response.StatusCode = result.Status;
        response.ContentType = "application/json; charset=utf-8";
        if (result.Location is { } location)
        {
            response.Headers.Location = location;
        }

        await response.WriteAsync(result.ToJson(), context.HttpContext.RequestAborted);
    }

    /// <summary>The base address a caller reached the app on, for status URLs.</summary>
    public static Uri BaseAddress(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new Uri($"{request.Scheme}://{request.Host}{request.PathBase}/");
    }
}
