
namespace NetworkBuster.Training.Contracts;

/// <summary>
/// A failure that retrying cannot fix (bad input, unknown model, too little data): the run is
/// recorded as failed with <see cref="Code"/> and the message is not retried.
/// </summary>
public sealed class TrainingException : Exception
{
    /// <summary>Creates a failure with a contract error code and a message naming what was expected and found.</summary>
    /// <param name="code">The contract error code.</param>
    /// <param name="message">What was expected and what was found.</param>
    /// <param name="innerException">The underlying exception, if any.</param>
    public TrainingException(ErrorCode code, string message, Exception? innerException = null)
        : base(message, innerException) => Code = code;

    /// <summary>The contract error code.</summary>
    public ErrorCode Code { get; }

    /// <summary>The failure as data, for run rows and activity results.</summary>
    public JobFailure ToFailure() => new(Code, Message);
}

/// <summary>A recorded failure: a contract error code and a message for a person.</summary>
/// <param name="Code">The contract error code.</param>
/// <param name="Message">What was expected and what was found.</param>
public sealed record JobFailure(ErrorCode Code, string Message);
