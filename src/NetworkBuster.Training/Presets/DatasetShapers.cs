using NetworkBuster.Training.Contracts;
using NetworkBuster.Training.Datasets;

namespace NetworkBuster.Training.Presets;

/// <summary>Chooses how a job's records become training rows: a preset's own shaper, or one row per record.</summary>
internal static class DatasetShapers
{
    /// <summary>A fresh shaper for the job.</summary>
    public static IDatasetShaper Create(TrainingJob job, TabularSpec spec)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(spec);
        if (PresetCatalog.Find(job.Model)?.Shaper is { } shaper)
        {
            return shaper(job);
        }

        if (spec.Task == ModelTask.Recommendation)
        {
            return ContentRecommenderShaper.For(job);
        }

        var timeColumn = job.Split.Kind != SplitSpec.Time ? null
            : job.Split.Column ?? spec.Features.FirstOrDefault(f => f.Kind == FeatureKind.Timestamp)?.Name ?? "timestamp";
        return new TabularShaper(spec, timeColumn);
    }
}
