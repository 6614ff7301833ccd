using NetworkBuster.Training.Evaluation;
using NetworkBuster.Training.Contracts;
using NetworkBuster.Training.Metrics;
using NetworkBuster.Training.Training;

namespace NetworkBuster.Training.Presets;

/// <summary>The contract's four preset models and their seed CSV formats.</summary>
public static class PresetCatalog
{
    /// <summary>Per-user churn probability and engagement from web sessions.</summary>
    public static readonly ModelPreset VisitorBehavior = new(
        "visitor-behavior-model",
        "Per user: churn probability and an engagement score from the sessions before a cutoff.",
        new TabularSpec(
            ModelTask.Binary,
            "churned",
            [],
            VisitorBehaviorShaper.Header),
        MetricCatalog.Auc,
        "fasttree", // LightGbm measured within 1% and faster, kept off until the local engine is stable under its load (docs/models.md, Presets)
        "0 0 2 * * *",
        "VisitorBehaviorSchedule",
        SplitSpec.Random,
        [new("horizonDays", 1, 365, IsInteger: false, Default: VisitorBehaviorShaper.DefaultHorizonDays)],
        Shaper: job => new VisitorBehaviorShaper(job.Hyperparameters.TryGetValue("horizonDays", out double days) ? days : VisitorBehaviorShaper.DefaultHorizonDays));

    /// <summary>Energy (and carbon) forecast from load, calendar and lag features.</summary>
    public static readonly ModelPreset Sustainability = new(
        "sustainability-predictor",
        "Forecast of energy_kwh from load, calendar and lag features; time-ordered split.",
        new TabularSpec(
            ModelTask.Regression,
            "energy_kwh",
            [],
            SustainabilityShaper.Header),
        MetricCatalog.Rmse,
        "sdca",
        "0 0 3 * * 0",
        "SustainabilitySchedule",
        SplitSpec.Time,
        Shaper: _ => new SustainabilityShaper());

    /// <summary>Response time per endpoint from load and cache behaviour.</summary>
    public static readonly ModelPreset PerformanceOptimizer = new(
        "performance-optimizer",
        "response_time_ms per endpoint from error rate, throughput, cache hit rate and time of day.",
        new TabularSpec(
            ModelTask.Regression,
            "response_time_ms",
            [
                new("timestamp", FeatureKind.Timestamp),
                new("endpoint", FeatureKind.Categorical),
                new("error_rate", FeatureKind.Numeric),
                new("throughput_rps", FeatureKind.Numeric),
                new("cache_hit_rate", FeatureKind.Numeric),
            ],
            ["timestamp", "endpoint", "response_time_ms", "error_rate", "throughput_rps", "cache_hit_rate"]),
        MetricCatalog.Rmse,
        "fasttree", // as good as LightGbm at these defaults (1.041 vs 1.040 σ); LightGbm is faster, kept off until the local engine is stable under its load (docs/models.md, Presets)
        "0 5 * * * *",
        "PerformanceOptimizerSchedule",
        SplitSpec.Random,
        Report: PerformanceReport.Compute,
        // Measured (docs/models.md, Presets): at the trainers' learning rate of 0.2 early stopping halts at 1.07–1.11 σ.
        Defaults: new Dictionary<string, double> { ["learningRate"] = 0.05, ["numberOfLeaves"] = 31 });

    /// <summary>A user's rating of content and top-N recommendations.</summary>
    public static readonly ModelPreset ContentRecommender = new(
        "content-recommender",
        "A user's rating of / affinity for content; top-N recommendations.",
        new TabularSpec(
            ModelTask.Recommendation,
            "rating",
            [],
            ContentRecommenderShaper.Header),
        MetricCatalog.Rmse,
        "mf",
        "0 */15 * * * *",
        "ContentRecommenderSchedule",
        SplitSpec.Time,
        Shaper: ContentRecommenderShaper.For);

    /// <summary>All presets, in the contract's order.</summary>
    public static IReadOnlyList<ModelPreset> All { get; } = [VisitorBehavior, Sustainability, PerformanceOptimizer, ContentRecommender];

    /// <summary>The preset of that name, or null.</summary>
    public static ModelPreset? Find(string model) => All.FirstOrDefault(p => p.Name == model);

    /// <summary>The preset options a job for <paramref name="model"/> may set (none for custom models).</summary>
    public static IReadOnlyList<HyperparameterDefinition> OptionsOf(string model) => Find(model)?.Options ?? [];

    /// <summary>The names users may type, for error messages.</summary>
    public static string Names => string.Join(", ", All.Select(p => p.Name));
}
