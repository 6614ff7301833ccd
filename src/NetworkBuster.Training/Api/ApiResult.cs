using System.Text.Json;
using NetworkBuster.Training.Contracts;

namespace NetworkBuster.Training.Api;

/// <summary>
/// What a handler of the HTTP API answers, without any web types: the status code, the body (serialized as JSON by
/// <see cref="ToJson"/>) and, for an accepted job, where to follow it. Both hosts write it as it is.
/// </summary>
/// <param name="Status">The HTTP status code.</param>
/// <param name="Body">The JSON body: a view record, or an <see cref="ApiError"/>.</param>
/// <param name="Location">The <c>Location</c> header, when there is one.</param>
public sealed record ApiResult(int Status, object Body, string? Location = null)
{
    /// <summary>200 with a body.</summary>
    public static ApiResult Ok(object body) => new(200, body);

    /// <summary>400: the request is invalid.</summary>
    public static ApiResult BadRequest(string code, string message) => new(400, new ApiError(code, message));

    /// <summary>404: what was asked for does not exist.</summary>
    public static ApiResult NotFound(string message) => new(404, new ApiError(ApiErrorCodes.NotFound, message));

    /// <summary>409: the request conflicts with the current state.</summary>
    public static ApiResult Conflict(string message) => new(409, new ApiError(ApiErrorCodes.Conflict, message));

    /// <summary>The body as JSON (web defaults: camelCase names).</summary>
    public string ToJson() => JsonSerializer.Serialize(Body, Body.GetType(), PipelineJson.Options);
}

/// <summary>The body of every error answer: a contract code and a message naming what was expected and found.</summary>
/// <param name="Code">A job error code (<see cref="ErrorCode"/>) or one of <see cref="ApiErrorCodes"/>.</param>
/// <param name="Message">What was expected and what was found.</param>
public sealed record ApiError(string Code, string Message);

/// <summary>The error codes of the HTTP API beyond the job's <see cref="ErrorCode"/> values.</summary>
public static class ApiErrorCodes
{
    /// <summary>A query value or route value is invalid (400).</summary>
    public const string InvalidRequest = "InvalidRequest";

    /// <summary>The run, model or version does not exist (404).</summary>
    public const string NotFound = "NotFound";

    /// <summary>The request conflicts with the state (409), e.g. cancelling a finished run.</summary>
    public const string Conflict = "Conflict";

    /// <summary>A row to predict on does not fit the model's input schema (400); the message names the row, column and value.</summary>
    public const string InvalidRow = "InvalidRow";

    /// <summary>A model blob's SHA-256 differs from its registry row: it is refused (500).</summary>
    public const string ModelIntegrity = "ModelIntegrity";

    /// <summary>No key, or a wrong one (401).</summary>
    public const string Unauthorized = "Unauthorized";
}
