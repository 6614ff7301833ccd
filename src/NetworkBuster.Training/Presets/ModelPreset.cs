using NetworkBuster.Training.Evaluation;
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
public sealed record ModelPreset(
    string Name,
    string Description,
    TabularSpec Spec,
    MetricDefinition PrimaryMetric,
    string DefaultTrainer,
    string DefaultSchedule,
    string ScheduleSetting,
    string DefaultSplit,
    IReadOnlyList<HyperparameterDefinition>? Options = null);
