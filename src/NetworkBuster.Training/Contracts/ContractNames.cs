using System.Text.RegularExpressions;

namespace NetworkBuster.Training.Contracts;

/// <summary>The contract's naming rules for jobs, models and dataset blobs.</summary>
public static partial class ContractNames
{
    /// <summary>The rule a job id must follow, as users read it in errors.</summary>
    public const string JobIdRule = "[a-z0-9][a-z0-9-]{0,62}";

    /// <summary>The rule a custom model name must follow.</summary>
    public const string ModelNameRule = "[a-z0-9][a-z0-9-]{2,62}";

    /// <summary>Whether <paramref name="value"/> is a valid job id.</summary>
    public static bool IsValidJobId(string value) => JobIdPattern().IsMatch(value);

    /// <summary>Whether <paramref name="value"/> is a valid model name.</summary>
    public static bool IsValidModelName(string value) => ModelNamePattern().IsMatch(value);

    /// <summary>
    /// Checks that a user-supplied dataset name is a plain blob name inside the datasets container:
    /// no URL, no absolute path, no <c>..</c> or <c>.</c> segment, no backslash or control character.
    /// </summary>
    /// <param name="name">The name as the user wrote it.</param>
    /// <param name="field">The message field it came from, for the error.</param>
    /// <returns>The name, unchanged.</returns>
    /// <exception cref="TrainingException">With <see cref="ErrorCode.InvalidMessage"/> when the name is not allowed.</exception>
    public static string ValidateBlobName(string name, string field)
    {
        string? problem = name switch
        {
            _ when string.IsNullOrWhiteSpace(name) => "it is empty",
            _ when name.Length > 1024 => $"it is {name.Length} characters long (at most 1024)",
            _ when name.Contains("://", StringComparison.Ordinal) => "it is a URL",
            _ when name.StartsWith('/') || name.StartsWith('\\') || (name.Length > 1 && name[1] == ':') => "it is an absolute path",
            _ when name.Contains('\\', StringComparison.Ordinal) => "it contains a backslash",
            _ when name.Any(char.IsControl) => "it contains a control character",
            _ when name.Split('/').Any(s => s is "" or "." or "..") => "it has an empty, '.' or '..' segment",
            _ => null,
        };
        return problem is null
            ? name
            : throw new TrainingException(
                ErrorCode.InvalidMessage,
                $"'{field}' must be a blob name inside the container (e.g. \"performance-optimizer/2025-01.csv\"), but {problem}: \"{Truncate(name)}\".");
    }

    internal static string Truncate(string value, int max = 120) =>
        value.Length <= max ? value : string.Concat(value.AsSpan(0, max), "…");

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,62}$")]
    private static partial Regex JobIdPattern();

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{2,62}$")]
    private static partial Regex ModelNamePattern();
}
