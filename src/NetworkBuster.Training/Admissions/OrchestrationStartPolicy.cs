
namespace NetworkBuster.Training.Admissions;

/// <summary>The state of an orchestration instance, as far as starting one matters (no Durable types in the core).</summary>
public enum InstanceState
{
    /// <summary>No instance with this id exists.</summary>
    None,

    /// <summary>Pending, running or suspended.</summary>
    Active,

    /// <summary>Completed, failed or terminated.</summary>
    Ended,
}

/// <summary>What the trigger does about an admitted job.</summary>
public enum StartDecision
{
    /// <summary>Schedule a new instance with the job id as instance id.</summary>
    Schedule,

    /// <summary>An instance for this job is already running (a redelivery or an overlapping timer): do nothing.</summary>
    AlreadyRunning,

    /// <summary>
    /// The instance ended but the run row did not (it was terminated, or its host died before recording):
    /// schedule it again under the same id.
    /// </summary>
    Restart,

    /// <summary>Nothing to run (rejected, or a duplicate of a finished job).</summary>
    Skip,
}

/// <summary>Decides whether a trigger starts an orchestration: the same job id never runs twice at once or twice to completion.</summary>
public static class OrchestrationStartPolicy
{
    /// <summary>Decides from the admission and the existing instance's state.</summary>
    public static StartDecision Decide(Admission admission, InstanceState state)
    {
        ArgumentNullException.ThrowIfNull(admission);
        return admission.Outcome != AdmissionOutcome.Start ? StartDecision.Skip
            : state switch
            {
                InstanceState.None => StartDecision.Schedule,
                InstanceState.Active => StartDecision.AlreadyRunning,
                _ => StartDecision.Restart,
            };
    }
}
