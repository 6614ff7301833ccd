using System.Globalization;
using NetworkBuster.Training.Contracts;

namespace NetworkBuster.Training.Training;

/// <summary>A hyperparameter a trainer accepts, with its allowed range.</summary>
/// <param name="Name">The name used in job messages.</param>
/// <param name="Min">The smallest allowed value.</param>
/// <param name="Max">The largest allowed value.</param>
/// <param name="IsInteger">Whether only whole numbers are allowed.</param>
/// <param name="MinExclusive">Whether <paramref name="Min"/> itself is excluded.</param>
/// <param name="Default">The value used when a job sets none (null: the trainer's own default).</param>
public sealed record HyperparameterDefinition(string Name, double Min, double Max, bool IsInteger, bool MinExclusive = false, double? Default = null)
{
    /// <summary>The allowed range as people read it.</summary>
    public string Range => IsInteger
        ? $"a whole number from {Min.ToString(CultureInfo.InvariantCulture)} to {Max.ToString(CultureInfo.InvariantCulture)}"
        : $"a number {(MinExclusive ? "above" : "from")} {Min.ToString(CultureInfo.InvariantCulture)} {(MinExclusive ? "up " : "")}to {Max.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Whether <paramref name="value"/> is allowed.</summary>
    public bool Allows(double value) =>
        double.IsFinite(value)
        && (MinExclusive ? value > Min : value >= Min)
        && value <= Max
        && (!IsInteger || Math.Abs(value - Math.Round(value)) < 1e-9);
}

/// <summary>A trainer a job may name, with the tasks it supports and its hyperparameters.</summary>
/// <param name="Name">The name used in job messages.</param>
/// <param name="Tasks">The tasks it can learn.</param>
/// <param name="Hyperparameters">The hyperparameters it accepts.</param>
public sealed record TrainerDefinition(string Name, IReadOnlySet<ModelTask> Tasks, IReadOnlyList<HyperparameterDefinition> Hyperparameters);

/// <summary>The trainers of this build and their validated options.</summary>
public static class TrainerCatalog
{
    private static readonly HyperparameterDefinition Trees = new("numberOfTrees", 1, 5000, IsInteger: true);
    private static readonly HyperparameterDefinition Leaves = new("numberOfLeaves", 2, 1024, IsInteger: true);
    private static readonly HyperparameterDefinition LearningRate = new("learningRate", 0, 1, IsInteger: false, MinExclusive: true);
    private static readonly HyperparameterDefinition MinLeaf = new("minimumExampleCountPerLeaf", 1, 100_000, IsInteger: true);
    private static readonly HyperparameterDefinition FeatureFraction = new("featureFraction", 0, 1, IsInteger: false, MinExclusive: true);
    private static readonly HyperparameterDefinition Patience = new(EarlyStopping.PatienceName, 0, 1000, IsInteger: true);
    private static readonly HashSet<ModelTask> Tabular = [ModelTask.Regression, ModelTask.Binary, ModelTask.Multiclass];

    /// <summary>Gradient-boosted trees (ML.NET FastTree); numberOfTrees an upper bound when early stopping runs, as for LightGbm.</summary>
    public static readonly TrainerDefinition FastTree = new("fasttree", Tabular, [Trees, Leaves, LearningRate, MinLeaf, Patience]);

    /// <summary>Random forest (ML.NET FastForest).</summary>
    public static readonly TrainerDefinition FastForest = new("fastforest", Tabular, [Trees, Leaves, MinLeaf, FeatureFraction]);

    /// <summary>
    /// Gradient boosting (LightGBM); numberOfTrees is its number of boosting iterations, an upper bound when early
    /// stopping runs (<c>earlyStoppingRounds</c>: patience on the validation split, 0 turns it off); featureFraction
    /// the share of features each tree sees (default 1); baggingFraction the share of rows each round is fitted on
    /// (default 1: all).
    /// </summary>
    public static readonly TrainerDefinition LightGbm = new(
        "lightgbm", Tabular, [Trees, Leaves, LearningRate, MinLeaf, Patience, FeatureFraction with { Default = 1 }, new("baggingFraction", 0, 1, IsInteger: false, MinExclusive: true, Default: 1)]);

    /// <summary>A linear model (SDCA) on normalized features.</summary>
    public static readonly TrainerDefinition Sdca = new(
        "sdca",
        Tabular,
        [new("maximumNumberOfIterations", 1, 10_000, IsInteger: true), new("l2Regularization", 0, 100, IsInteger: false)]);

    /// <summary>
    /// A generalized additive model (ML.NET GAM): the prediction is a sum of one shape function per feature, each boosted
    /// from single-feature stumps (<c>numberOfIterations</c> at <c>learningRate</c>, bins of at most
    /// <c>maximumBinCountPerFeature</c>). No interactions, so it shines where effects add up (churn, risk); regression
    /// and binary models.
    /// </summary>
    public static readonly TrainerDefinition Gam = new(
        "gam",
        new HashSet<ModelTask> { ModelTask.Regression, ModelTask.Binary },
        [
            new("numberOfIterations", 1, 50_000, IsInteger: true, Default: 2000),
            LearningRate with { Default = 0.01 },
            MinLeaf,
            new("maximumBinCountPerFeature", 2, 1023, IsInteger: true, Default: 64),
        ]);

    /// <summary>
    /// Extremely randomized trees (this build's own, <see cref="Training.ExtraTrees"/>) for regression and binary models:
    /// <c>numberOfTrees</c> (default 100) fully grown trees, each split drawing <c>featureFraction</c> of the features
    /// (default √ of their count) with one random threshold each. <c>minimumExampleCountPerLeaf</c> defaults to 1, raised
    /// on large data so a forest holds at most about two million leaves. Unlike boosting it averages many deep trees, so it
    /// interpolates between close rows (dense sensor data, random splits of a time series); <c>auto</c> compares it for
    /// regression models.
    /// </summary>
    public static readonly TrainerDefinition ExtraTrees = new(
        "extratrees",
        new HashSet<ModelTask> { ModelTask.Regression, ModelTask.Binary },
        [Trees with { Default = 100 }, FeatureFraction, MinLeaf]);

    /// <summary>
    /// Biased matrix factorization (this build's own SGD, as Surprise's SVD) for recommendations: <c>factors</c>,
    /// <c>epochs</c>, <c>learningRate</c>, <c>regularization</c> (factors), <c>biasRegularization</c>, and
    /// <c>popularityWeight</c> (how much item popularity lifts the ranking score; chosen on validation when unset).
    /// </summary>
    public static readonly TrainerDefinition MatrixFactorization = new(
        "mf",
        new HashSet<ModelTask> { ModelTask.Recommendation },
        [
            new("factors", 0, 256, IsInteger: true, Default: 20),
            new("epochs", 1, 500, IsInteger: true, Default: 60),
            new("learningRate", 0, 1, IsInteger: false, MinExclusive: true, Default: 0.01),
            new("regularization", 0, 10, IsInteger: false, Default: 0.1),
            new("biasRegularization", 0, 10, IsInteger: false, Default: 0.05),
            new("popularityWeight", 0, 10, IsInteger: false),
        ]);

    /// <summary>
    /// Randomized PCA anomaly detection (ML.NET <c>RandomizedPca</c>) on mean-variance normalized features: <c>rank</c>
    /// principal components (default the fewest explaining 90% of the standardized variance, at most 20 and below the feature count), <c>oversampling</c> (20) and
    /// <c>ensureZeroMean</c> (1: centre the data; 0: not). <c>contamination</c> (default 0.01) is the share of training
    /// rows an unlabeled model's threshold flags.
    /// </summary>
    public static readonly TrainerDefinition Pca = new(
        "pca",
        new HashSet<ModelTask> { ModelTask.Anomaly },
        [
            new(AnomalyOptions.Rank, 1, 1000, IsInteger: true),
            new(AnomalyOptions.Oversampling, 0, 1000, IsInteger: true, Default: 20),
            new(AnomalyOptions.EnsureZeroMean, 0, 1, IsInteger: true, Default: 1),
            new(AnomalyOptions.Contamination, 0, 0.5, IsInteger: false, MinExclusive: true, Default: 0.01),
        ]);

    /// <summary>
    /// Not a trainer but a choice among them (<see cref="AutoTrainer"/>): the tabular trainers compared in a few
    /// configurations each, with early stopping. It accepts any of their hyperparameters, held fixed in every candidate
    /// that takes it (as <c>search</c> does).
    /// </summary>
    public static readonly TrainerDefinition Auto = new(
        "auto", Tabular, [.. new[] { FastTree, FastForest, LightGbm, Sdca, Gam, ExtraTrees }.SelectMany(t => t.Hyperparameters).DistinctBy(h => h.Name)]);

    /// <summary>All trainers.</summary>
    public static IReadOnlyList<TrainerDefinition> All { get; } = [FastTree, FastForest, LightGbm, Sdca, Gam, ExtraTrees, MatrixFactorization, Pca, Auto];

    /// <summary>
    /// Resolves a trainer name and validates hyperparameters against it.
    /// </summary>
    /// <param name="task">The task the model learns.</param>
    /// <param name="trainer">The trainer name from the job.</param>
    /// <param name="hyperparameters">The hyperparameters from the job.</param>
    /// <param name="options">The preset's options, accepted beside the trainer's hyperparameters.</param>
    /// <returns>The trainer definition.</returns>
    /// <exception cref="TrainingException">With <see cref="ErrorCode.InvalidHyperparameter"/>, naming the allowed set.</exception>
    public static TrainerDefinition Validate(ModelTask task, string trainer, IReadOnlyDictionary<string, double> hyperparameters, IReadOnlyList<HyperparameterDefinition>? options = null)
    {
        ArgumentNullException.ThrowIfNull(hyperparameters);
        var candidates = All.Where(t => t.Tasks.Contains(task)).ToList();
        var definition = candidates.FirstOrDefault(t => t.Name == trainer)
            ?? throw new TrainingException(
                ErrorCode.InvalidHyperparameter,
                task == ModelTask.Anomaly
                    ? $"'trainer' must be pca (or auto, which is pca) for an anomaly model, but found \"{ContractNames.Truncate(trainer)}\": an anomaly model learns from unlabeled rows, which {(All.Any(t => t.Name == trainer) ? "that supervised trainer cannot" : "no other trainer here does")}."
                    : $"'trainer' must be one of {string.Join(", ", candidates.Select(t => t.Name))} for a {task.ToString().ToLowerInvariant()} model, but found \"{ContractNames.Truncate(trainer)}\".");
        foreach (var (name, value) in hyperparameters)
        {
            var allowed = definition.Hyperparameters.Concat(options ?? []).ToList();
            var parameter = allowed.FirstOrDefault(h => h.Name == name)
                ?? throw new TrainingException(
                    ErrorCode.InvalidHyperparameter,
                    $"Trainer '{definition.Name}' accepts the hyperparameters {string.Join(", ", allowed.Select(h => h.Name))}, but found \"{ContractNames.Truncate(name)}\".");
            if (!parameter.Allows(value))
            {
                throw new TrainingException(
                    ErrorCode.InvalidHyperparameter,
                    $"Hyperparameter '{name}' of trainer '{definition.Name}' must be {parameter.Range}, but found {value.ToString(CultureInfo.InvariantCulture)}.");
            }
        }

        return definition;
    }
}
