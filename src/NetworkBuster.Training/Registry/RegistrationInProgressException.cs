
namespace NetworkBuster.Training.Registry;

/// <summary>
/// Another execution of the same register activity holds the job's registration claim (Durable runs activities at
/// least once). Transient: a retry finds the version that execution registered.
/// </summary>
/// <param name="jobId">The job.</param>
public sealed class RegistrationInProgressException(string jobId)
    : Exception($"Job {jobId} is being registered by another execution; retry to use the version it registers.")
{
    /// <summary>The job.</summary>
    public string JobId { get; } = jobId;
}
