namespace NetworkBuster.Training.Api;

/// <summary>The Durable instance of a run as the API shows it (the core has no Durable types).</summary>
/// <param name="RuntimeStatus">Pending, Running, Completed, Failed, Terminated, Suspended.</param>
/// <param name="CustomStatus">The orchestration's custom status JSON (step, progress, status).</param>
/// <param name="CreatedAt">When the instance was created.</param>
/// <param name="LastUpdatedAt">When it last changed.</param>
public sealed record RunInstance(string RuntimeStatus, string? CustomStatus, DateTimeOffset CreatedAt, DateTimeOffset LastUpdatedAt);

/// <summary>Reads runs' Durable instances; each host passes the one over its own Durable client.</summary>
public interface IRunInstances
{
    /// <summary>The instance whose id is <paramref name="jobId"/>, or null when there is none.</summary>
    Task<RunInstance?> GetAsync(string jobId, CancellationToken cancellationToken = default);

    /// <summary>Terminates the run's instance if it is pending or running (a step in progress ends on its own).</summary>
    Task TerminateAsync(string jobId, string reason, CancellationToken cancellationToken = default);
}
