using System.Globalization;
using NetworkBuster.Training.Contracts;

namespace NetworkBuster.Training.Api;

/// <summary>The checks of the route values the model routes share, each a 400 naming what was expected and found.</summary>
internal static class RouteValues
{
    /// <summary>Null when <paramref name="model"/> is a valid model name, else the 400 to answer.</summary>
    public static ApiResult? InvalidModel(string? model) => ContractNames.IsValidModelName(model ?? "")
        ? null
        : ApiResult.BadRequest(ApiErrorCodes.InvalidRequest, $"A model name must match {ContractNames.ModelNameRule}, but found \"{ContractNames.Truncate(model ?? "")}\".");

    /// <summary>Null when <paramref name="text"/> is a version number (from 1), else the 400 to answer.</summary>
    public static ApiResult? InvalidVersion(string model, string? text, out int version) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out version) && version >= 1
            ? null
            : ApiResult.BadRequest(ApiErrorCodes.InvalidRequest, $"A version must be a whole number from 1 (as in {model}:7), but found \"{ContractNames.Truncate(text ?? "")}\".");
}
