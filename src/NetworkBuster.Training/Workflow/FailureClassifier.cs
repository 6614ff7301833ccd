using Azure;
using NetworkBuster.Training.Jobs;

namespace NetworkBuster.Training.Workflow;

/// <summary>Tells transient failures (retry) from permanent ones (record and stop), in-process and by type name across hosts.</summary>
public static class FailureClassifier
{
    /// <summary>Whether retrying could help.</summary>
    public static bool IsTransient(Exception exception) => exception switch
    {
        TrainingException => false,
        RequestFailedException r => r.Status is 0 or 408 or 429 or >= 500,
        HttpRequestException or TimeoutException or IOException => true,
        AggregateException a => a.InnerExceptions.Any(IsTransient),
        _ => exception.InnerException is { } inner && IsTransient(inner),
    };

    private static readonly string[] PermanentTypes =
    [
        "NetworkBuster.Training.Jobs.TrainingException",
        "NetworkBuster.Training.Registry.ModelIntegrityException",
        "System.ArgumentException",
        "System.ArgumentNullException",
        "System.ArgumentOutOfRangeException",
        "System.FormatException",
        "System.InvalidCastException",
        "System.Text.Json.JsonException",
    ];

    /// <summary>
    /// Whether a failure reported by type name (as Durable reports activity failures) is worth retrying: yes unless
    /// the type is one retrying cannot fix; an unknown or missing type name is retried.
    /// </summary>
    public static bool IsRetryableType(string? errorType) => errorType is null || !PermanentTypes.Contains(errorType, StringComparer.Ordinal);

    /// <summary>The contract code for a failure that outlived its retries, from the exception's type name.</summary>
    public static ErrorCode CodeOf(string? errorType) =>
        errorType is not null && (errorType.StartsWith("Azure.", StringComparison.Ordinal)
            || errorType.Contains("HttpRequestException", StringComparison.Ordinal)
            || errorType.Contains("SocketException", StringComparison.Ordinal))
            ? ErrorCode.StorageUnavailable
            : ErrorCode.TrainingFailed;
}
