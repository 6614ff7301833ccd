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
    public static IReadOnlyList<TrainingEvent> Succeeded(TrainingJob job, RegisterOutput registered, EvaluateOutput evaluation, DateTimeOffset at, DriftReport? drift = null)
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
        var events = new List<TrainingEvent> { succeeded };
        if (registered.IsCurrent)
        {
            events.Add(succeeded with { Type = TrainingEventTypes.VersionPromoted, Decision = evaluation.Decision, PreviousVersion = evaluation.BaselineVersion });
        }

        return [.. events, .. MajorDrift(job, drift, at)];
    }

    /// <summary>A run that failed.</summary>
    public static IReadOnlyList<TrainingEvent> Failed(TrainingJob job, JobFailure failure, DateTimeOffset at, DriftReport? drift = null)
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
            .. MajorDrift(job, drift, at),
        ];
    }

    // Major drift is told whether or not the run succeeded: it is about the data, not the model.
    private static IEnumerable<TrainingEvent> MajorDrift(TrainingJob job, DriftReport? drift, DateTimeOffset at) =>
        drift is { Level: DriftReport.Levels.Major }
            ? [new TrainingEvent(TrainingEventTypes.DriftMajor, job.JobId, job.Model, at)
            {
                PreviousVersion = drift.ReferenceVersion,
                Drift = drift,
                Links = new Dictionary<string, string>
                {
                    ["dataset"] = $"{StorageNames.DatasetsContainer}/{job.Dataset}",
                    ["profile"] = $"{StorageNames.ModelsContainer}/{ModelVersionRow.ProfileBlobOf(job.Model, drift.ReferenceVersion)}",
                },
            }]
            : [];

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
