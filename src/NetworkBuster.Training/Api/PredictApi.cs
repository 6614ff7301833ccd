using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using NetworkBuster.Training.Contracts;
using NetworkBuster.Training.Registry;
using NetworkBuster.Training.Scoring;

namespace NetworkBuster.Training.Api;

/// <summary>A predict request as both hosts receive it.</summary>
/// <param name="Model">The model route value.</param>
/// <param name="Version">The version route value, or null for the current version.</param>
/// <param name="Body">The body: <c>{"rows":[{column: value, …}, …]}</c> or a bare array of rows.</param>
/// <param name="Top">The <c>?top=</c> query value (recommenders), or null.</param>
public sealed record PredictRequest(string Model, string? Version, string Body, string? Top = null);

/// <summary>The predictions of one request, in row order.</summary>
/// <param name="Model">The model.</param>
/// <param name="Version">The version that scored them.</param>
/// <param name="Threshold">The decision threshold of a binary version (what <c>predicted</c> used).</param>
/// <param name="Predictions">One per row.</param>
public sealed record PredictResponse(string Model, int Version, double? Threshold, IReadOnlyList<Prediction> Predictions);

/// <summary>The top content of each row's user.</summary>
/// <param name="Model">The model.</param>
/// <param name="Version">The version that ranked them.</param>
/// <param name="Top">How many per user were asked for.</param>
/// <param name="Users">One per row.</param>
public sealed record RecommendResponse(string Model, int Version, int Top, IReadOnlyList<Recommendations> Users);

/// <summary>
/// <c>POST /api/models/{model}/predict</c> and <c>…/versions/{version}/predict</c>: JSON rows of named input columns →
/// predictions (score, probability, the decision at the version's threshold; with <c>?top=</c>, a recommender's best
/// content per user). The model is loaded once per version (hash verified) by <see cref="ServingModelCache"/>.
/// </summary>
/// <param name="cache">The loaded versions.</param>
/// <param name="logger">Where refused models are reported.</param>
public sealed class PredictApi(ServingModelCache cache, ILogger<PredictApi> logger)
{
    /// <summary>The most rows one request may carry.</summary>
    public const int MaxRows = 10_000;

    /// <summary>The most content ids <c>?top=</c> may ask for.</summary>
    public const int MaxTop = 1_000;

    /// <summary>Scores the request's rows.</summary>
    public async Task<ApiResult> PredictAsync(PredictRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (RouteValues.InvalidModel(request.Model) is { } invalidModel)
        {
            return invalidModel;
        }

        int? version = null;
        if (request.Version is not null)
        {
            if (RouteValues.InvalidVersion(request.Model!, request.Version, out int number) is { } invalidVersion)
            {
                return invalidVersion;
            }

            version = number;
        }

        int? top = null;
        if (request.Top is not null)
        {
            if (!int.TryParse(request.Top, NumberStyles.None, CultureInfo.InvariantCulture, out int n) || n is < 1 or > MaxTop)
            {
                return ApiResult.BadRequest(ApiErrorCodes.InvalidRequest, $"?top= must be a whole number from 1 to {MaxTop}, but found \"{ContractNames.Truncate(request.Top)}\".");
            }

            top = n;
        }

        const string Expected = "Expected a JSON body {\"rows\": [{\"column\": value, …}, …]} (or a bare array of rows)";
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(request.Body ?? "");
        }
        catch (JsonException ex)
        {
            return ApiResult.BadRequest(ApiErrorCodes.InvalidRequest, $"{Expected}, but found text that is not JSON (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1}).");
        }

        using (document)
        {
            var root = document.RootElement;
            var array = root.ValueKind == JsonValueKind.Array ? root : root.ValueKind == JsonValueKind.Object && root.TryGetProperty("rows", out var r) ? r : default;
            string? problem = array.ValueKind != JsonValueKind.Array
                ? $"{Expected}, but found {(root.ValueKind == JsonValueKind.Object ? "an object without a \"rows\" array" : root.ValueKind.ToString().ToLowerInvariant())}."
                : array.GetArrayLength() switch
                {
                    0 => $"{Expected}, but found no rows.",
                    > MaxRows and var count => $"Expected at most {MaxRows:N0} rows per request, but found {count:N0}; split them, or score a file with nbtrain predict.",
                    _ => null,
                };
            return problem is null
                ? await AnswerAsync(request.Model!, version, top, [.. array.EnumerateArray()], cancellationToken)
                : ApiResult.BadRequest(ApiErrorCodes.InvalidRequest, problem);
        }
    }

    private async Task<ApiResult> AnswerAsync(string modelName, int? version, int? top, List<JsonElement> rows, CancellationToken cancellationToken)
    {
        try
        {
            var model = await cache.GetAsync(modelName, version, cancellationToken);
            return top is { } count
                ? ApiResult.Ok(new RecommendResponse(model.Version.Model, model.Version.Version!.Value, count, model.Recommend(rows, count)))
                : ApiResult.Ok(new PredictResponse(model.Version.Model, model.Version.Version!.Value, model.Threshold, model.Predict(rows)));
        }
        catch (NotFoundException ex)
        {
            return ApiResult.NotFound(ex.Message);
        }
        catch (PredictionInputException ex)
        {
            return ApiResult.BadRequest(ApiErrorCodes.InvalidRow, ex.Message);
        }
        catch (ModelIntegrityException ex)
        {
            logger.LogError("Refused to serve {Blob}: SHA-256 {Actual} differs from the registry's {Expected}", ex.Blob, ex.ActualSha256, ex.ExpectedSha256);
            return new ApiResult(500, new ApiError(ApiErrorCodes.ModelIntegrity, ex.Message));
        }
    }
}
