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
    PresetReport? Report = null);

/// <summary>A preset's own report over held-out rows, given the fitted model and the features' importance.</summary>
public delegate PerformanceReport? PresetReport(MLContext ml, ITransformer model, RowArrays rows, IReadOnlyList<FeatureImportance> importance);
