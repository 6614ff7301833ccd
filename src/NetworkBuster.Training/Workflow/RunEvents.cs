using NetworkBuster.Training.Contracts;
using NetworkBuster.Training.Notifications;
using NetworkBuster.Training.Registry;
using NetworkBuster.Training.Runs;
using NetworkBuster.Training.Storage;

namespace NetworkBuster.Training.Workflow;

/// <summary>The events a run's end produces, built from what the workflow already holds (deterministic).</summary>
public static class RunEvents
{
    /// <summary>A run that registered a version: succeeded, and promoted when it became current.</summary>
    public static IReadOnlyList<TrainingEvent> Succeeded(TrainingJob job, RegisterOutput registered, EvaluateOutput evaluation, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(registered);
        ArgumentNullException.ThrowIfNull(evaluation);
        var succeeded = new TrainingEvent(TrainingEventTypes.RunSucceeded, job.JobId, job.Model, at)
        {
            Version = registered.Version,
            Status = RunStatus.Succeeded,
            PrimaryMetric = evaluation.PrimaryMetric,
            PrimaryMetricValue = evaluation.PrimaryMetricValue,
            Decision = (registered.IsCurrent ? "current: " : "not current: ") + evaluation.Decision,
            Links = Links(job, registered.Version),
        };
        return registered.IsCurrent
            ? [succeeded, succeeded with { Type = TrainingEventTypes.VersionPromoted, Decision = evaluation.Decision, PreviousVersion = evaluation.BaselineVersion }]
            : [succeeded];
    }

    /// <summary>A run that failed.</summary>
    public static IReadOnlyList<TrainingEvent> Failed(TrainingJob job, JobFailure failure, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(failure);
        return
        [
            new TrainingEvent(TrainingEventTypes.RunFailed, job.JobId, job.Model, at)
            {
                Status = RunStatus.Failed,
                ErrorCode = failure.Code.ToString(),
                ErrorMessage = failure.Message,
                Links = new Dictionary<string, string> { ["dataset"] = $"{StorageNames.DatasetsContainer}/{job.Dataset}" },
            },
        ];
    }

    /// <summary>The blob names of a version and its dataset, as <c>container/blob</c>.</summary>
    public static IReadOnlyDictionary<string, string> Links(TrainingJob job, int version)
    {
        ArgumentNullException.ThrowIfNull(job);
        return new Dictionary<string, string>
        {
            ["dataset"] = $"{StorageNames.DatasetsContainer}/{job.Dataset}",
            ["model"] = $"{StorageNames.ModelsContainer}/{ModelVersionRow.ModelBlobOf(job.Model, version)}",
            ["metadata"] = $"{StorageNames.ModelsContainer}/{ModelVersionRow.MetadataBlobOf(job.Model, version)}",
            ["report"] = $"{StorageNames.ModelsContainer}/{ModelVersionRow.ReportBlobOf(job.Model, version)}",
        };
    }
}
