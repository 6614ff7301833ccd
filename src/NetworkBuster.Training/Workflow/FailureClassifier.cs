using Azure;
using NetworkBuster.Training.Contracts;

namespace NetworkBuster.Training.Workflow;

/// <summary>
/// The one place that tells transient failures (retry) from permanent ones (record and stop). Activities apply
/// <see cref="IsTransient"/>: a permanent failure becomes a <see cref="StepResult{T}"/> failure, only a transient one
/// is thrown. Both hosts' workflow contexts apply <see cref="IsRetryableType"/> to what was thrown (Durable reports
/// activity failures by type name), with the same <see cref="ActivityRetry"/> policy.
/// </summary>
public static class FailureClassifier
{
    /// <summary>Whether retrying could help (storage and network failures); everything else is permanent.</summary>
    public static bool IsTransient(Exception exception) => exception switch
    {
        TrainingException => false,
        Registry.RegistrationInProgressException => true,
        RequestFailedException r => r.Status is 0 or 408 or 429 or >= 500,
        HttpRequestException or TimeoutException or IOException => true,
        AggregateException a => a.InnerExceptions.Any(IsTransient),
        _ => exception.InnerException is { } inner && IsTransient(inner),
    };

    private static readonly string[] PermanentTypes =
    [
        "Contracts.TrainingException",
        "NetworkBuster.Training.Registry.ModelIntegrityException",
        "System.ArgumentException",
        "System.ArgumentNullException",
        "System.ArgumentOutOfRangeException",
        "System.FormatException",
        "System.InvalidCastException",
        "System.Text.Json.JsonException",
    ];

    /// <summary>
    /// Whether a failure thrown by an activity, reported by type name, is worth retrying: yes unless the type is one
    /// retrying cannot fix (bad input that got past the activity's guard); an unknown or missing type name is retried.
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
