using Microsoft.Azure.Functions.Worker;
using NetworkBuster.Training.Contracts;
using NetworkBuster.Training.Notifications;
using NetworkBuster.Training.Runs;
using NetworkBuster.Training.Workflow;

namespace NetworkBuster.Training.Functions;

/// <summary>The activities: each a call into the core with a small reference payload (blob names, ids), never data.</summary>
/// <param name="activities">The core's activities.</param>
public sealed class TrainingActivityFunctions(TrainingActivities activities)
{
    /// <summary>Streams and validates the CSV; writes typed split snapshots to <c>training-staging/{jobId}/</c>.</summary>
    [Function(ActivityNames.Ingest)]
    public Task<StepResult<IngestOutput>> Ingest([ActivityTrigger] IngestInput input, CancellationToken cancellationToken) =>
        activities.IngestAsync(input, cancellationToken);

    /// <summary>Fits the model on the train snapshot; stages <c>model.zip</c> with its SHA-256.</summary>
    [Function(ActivityNames.Train)]
    public Task<StepResult<TrainOutput>> Train([ActivityTrigger] TrainInput input, CancellationToken cancellationToken) =>
        activities.TrainAsync(input, cancellationToken);

    /// <summary>Scores the candidate and the current version on the test split; applies the promotion gate.</summary>
    [Function(ActivityNames.Evaluate)]
    public Task<StepResult<EvaluateOutput>> Evaluate([ActivityTrigger] EvaluateInput input, CancellationToken cancellationToken) =>
        activities.EvaluateAsync(input, cancellationToken);

    /// <summary>Claims the next version, publishes the model and metadata, promotes, applies retention.</summary>
    [Function(ActivityNames.Register)]
    public Task<StepResult<RegisterOutput>> Register([ActivityTrigger] RegisterInput input, CancellationToken cancellationToken) =>
        activities.RegisterAsync(input, cancellationToken);

    /// <summary>After register: importance, curves, <c>report.html</c> and <c>profile.json</c> for the version; empties staging.</summary>
    [Function(ActivityNames.Explain)]
    public Task<StepResult<ExplainOutput>> Explain([ActivityTrigger] ExplainInput input, CancellationToken cancellationToken) =>
        activities.ExplainAsync(input, cancellationToken);

    /// <summary>Writes a status/progress change to the job's <c>TrainingRuns</c> row.</summary>
    [Function(ActivityNames.RecordRun)]
    public Task<bool> RecordRun([ActivityTrigger] RunUpdate update, CancellationToken cancellationToken) =>
        activities.RecordRunAsync(update, cancellationToken);

    /// <summary>Deletes a failed job's staging files.</summary>
    [Function(ActivityNames.Cleanup)]
    public Task<bool> Cleanup([ActivityTrigger] string jobId, CancellationToken cancellationToken) =>
        activities.CleanupAsync(jobId, cancellationToken);

    /// <summary>POSTs the run's events (CloudEvents 1.0) to the webhook setting and the job's <c>notify</c> URL; never fails.</summary>
    [Function(ActivityNames.Notify)]
    public Task<int> Notify([ActivityTrigger] NotifyInput input, CancellationToken cancellationToken) =>
        activities.NotifyAsync(input, cancellationToken);
}
