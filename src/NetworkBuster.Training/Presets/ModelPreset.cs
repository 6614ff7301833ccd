using Microsoft.ML;
using NetworkBuster.Training.Contracts;
using NetworkBuster.Training.Datasets;
using NetworkBuster.Training.Evaluation;
using NetworkBuster.Training.Metrics;
using NetworkBuster.Training.Training;

namespace NetworkBuster.Training.Presets;

/// <summary>One of the contract's preset models.</summary>
/// <param name="Name">The model name used in messages and the registry.</param>
/// <param name="Description">What it learns, for people.</param>
/// <param name="Spec">The tabular problem it trains.</param>
/// <param name="PrimaryMetric">The metric the promotion gate compares.</param>
/// <param name="DefaultTrainer">The trainer used when a job names none.</param>
/// <param name="DefaultSchedule">The NCRONTAB schedule (UTC) of its retraining timer.</param>
/// <param name="ScheduleSetting">The app setting that overrides <paramref name="DefaultSchedule"/>.</param>
/// <param name="DefaultSplit">The split kind used when a job names none.</param>
/// <param name="Options">Preset options a job sets beside the trainer's hyperparameters (e.g. <c>horizonDays</c>), validated the same way.</param>
/// <param name="Shaper">How the preset's records become training rows (null: one row per record, by the spec).</param>
/// <param name="Report">An extra report the evaluate step computes on held-out rows (null: none).</param>
/// <param name="Defaults">
/// Hyperparameter defaults measured for this preset's data, under the job's own values and over the trainer's, for
/// every trainer that accepts them (null: the trainers' defaults). They were measured with early stopping choosing the
/// rounds, so a job that sets <c>numberOfTrees</c> keeps the trainers' defaults (tuned for about 100 rounds): a learning
/// rate made for a few hundred rounds would leave a 40-round model short. <c>auto</c> and <c>search</c> draw their own
/// candidates.
/// </param>
public sealed record ModelPreset(
    string Name,
    string Description,
    TabularSpec Spec,
    MetricDefinition PrimaryMetric,
    string DefaultTrainer,
    string DefaultSchedule,
    string ScheduleSetting,
    string DefaultSplit,
    IReadOnlyList<HyperparameterDefinition>? Options = null,
    Func<TrainingJob, IDatasetShaper>? Shaper = null,
    PresetReport? Report = null,
    IReadOnlyDictionary<string, double>? Defaults = null)
{
    /// <summary>
    /// The job's hyperparameters over the <see cref="Defaults"/> that <paramref name="trainer"/> accepts; the job's alone
    /// when it sets <c>numberOfTrees</c>.
    /// </summary>
    /// <param name="trainer">The trainer the job fits.</param>
    /// <param name="job">The job's hyperparameters.</param>
    public IReadOnlyDictionary<string, double> WithDefaults(TrainerDefinition trainer, IReadOnlyDictionary<string, double> job)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        ArgumentNullException.ThrowIfNull(job);
        if (job.ContainsKey("numberOfTrees"))
        {
            return job;
        }

        var result = (Defaults ?? new Dictionary<string, double>()).Where(d => trainer.Hyperparameters.Any(h => h.Name == d.Key)).ToDictionary(StringComparer.Ordinal);
        foreach (var (name, value) in job)
        {
            result[name] = value;
        }

        return result;
    }
}

/// <summary>A preset's own report over held-out rows, given the fitted model and the features' importance.</summary>
public delegate PerformanceReport? PresetReport(MLContext ml, ITransformer model, RowArrays rows, IReadOnlyList<FeatureImportance> importance);
