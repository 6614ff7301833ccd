using NetworkBuster.Training.Datasets;
using NetworkBuster.Training.Jobs;

namespace NetworkBuster.Training.Presets;

/// <summary>Chooses how a job's records become training rows: a preset's own shaper, or one row per record.</summary>
public static class DatasetShapers
{
    /// <summary>The default churn horizon of <c>visitor-behavior-model</c>, in days.</summary>
    public const double DefaultHorizonDays = 7;

    /// <summary>A fresh shaper for the job.</summary>
    public static IDatasetShaper Create(TrainingJob job, TabularSpec spec)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(spec);
        if (job.Model == PresetCatalog.VisitorBehavior.Name)
        {
            return new VisitorBehaviorShaper(job.Hyperparameters.TryGetValue("horizonDays", out double days) ? days : DefaultHorizonDays);
        }

        if (job.Model == PresetCatalog.Sustainability.Name)
        {
            return new SustainabilityShaper();
        }

        if (job.Model == PresetCatalog.ContentRecommender.Name || spec.Task == ModelTask.Recommendation)
        {
            return new ContentRecommenderShaper(job.Split.Test, job.Split.Validation);
        }

        var timeColumn = job.Split.Kind != SplitSpec.Time ? null
            : job.Split.Column ?? spec.Features.FirstOrDefault(f => f.Kind == FeatureKind.Timestamp)?.Name ?? "timestamp";
        return new TabularShaper(spec, timeColumn);
    }
}
