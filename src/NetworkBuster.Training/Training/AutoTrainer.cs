using System.Diagnostics;
using Microsoft.ML;
using NetworkBuster.Training.Contracts;
using NetworkBuster.Training.Datasets;
using NetworkBuster.Training.Metrics;

namespace NetworkBuster.Training.Training;

/// <summary>
/// <c>"trainer":"auto"</c>: a bounded comparison of the task's trainers, each in a few configurations known to do well
/// across tabular data, so a user with no tuning knowledge gets a careful model. Below
/// <see cref="CrossValidateBelowRows"/> train + validation rows (or with too small a validation split) every candidate
/// is cross-validated over train + validation (<see cref="Folds"/> folds), the boosters stopping early on the mean
/// curve over the folds; above it each candidate is fitted on the train split and scored on the validation split,
/// stopping early on it. Below <see cref="SmallDataRows"/> the candidates take fixed rounds and minimum leaves scaled
/// to the data. The best by the primary metric (AUC for binary models, whose threshold is chosen afterwards) wins; the
/// caller refits it on train + validation.
/// </summary>
public static class AutoTrainer
{
    /// <summary>Below this many train + validation rows the candidates use small-data settings: fixed rounds and small leaves.</summary>
    public const long SmallDataRows = 1000;

    /// <summary>Below this many train + validation rows the candidates are cross-validated rather than scored on the validation split.</summary>
    public const long CrossValidateBelowRows = 10_000;

    /// <summary>Folds of the cross-validation.</summary>
    public const int Folds = 5;

    /// <summary>No candidate starts after this much time (the first always runs).</summary>
    public static readonly TimeSpan DefaultBudget = TimeSpan.FromMinutes(5);

    /// <summary>Patience of the boosters' early stopping in auto.</summary>
    public const int Patience = 50;

    /// <summary>Runs the comparison.</summary>
    /// <param name="ml">The context.</param>
    /// <param name="schema">The snapshot layout.</param>
    /// <param name="train">The train split.</param>
    /// <param name="validation">The validation split.</param>
    /// <param name="all">Train + validation.</param>
    /// <param name="metric">The job's primary metric.</param>
    /// <param name="seed">The job's seed (folds).</param>
    /// <param name="budget">No candidate starts after this much time (the first always runs).</param>
    /// <param name="fixedValues">The job's hyperparameters, held fixed in every candidate that takes them (<c>numberOfTrees</c> caps early stopping, <c>earlyStoppingRounds</c> sets its patience).</param>
    /// <returns>The winner and every trial.</returns>
    public static SearchResult Run(
        MLContext ml, SnapshotSchema schema, IDataView train, IDataView validation, IDataView all, MetricDefinition metric, int seed, TimeSpan budget, IReadOnlyDictionary<string, double> fixedValues)
    {
        ArgumentNullException.ThrowIfNull(fixedValues);
        ArgumentNullException.ThrowIfNull(ml);
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(metric);
        long fitRows = all.GetRowCount() ?? 0, validationRows = validation.GetRowCount() ?? 0;
        var watched = StagedEnsemble.Watched(schema.Task, metric);
        bool small = fitRows < SmallDataRows;
        bool crossValidate = fitRows < CrossValidateBelowRows || validationRows < EarlyStopping.MinValidationRows;
        var trials = new List<SearchTrial>();
        var clock = Stopwatch.StartNew();
        int patience = fixedValues.TryGetValue(EarlyStopping.PatienceName, out double p) ? (int)p : Patience;
        foreach (var (trainer, defaults) in small ? SmallCandidates(schema.Task, fitRows) : Candidates(schema.Task, fitRows))
        {
            var hyperparameters = Fix(trainer, defaults, fixedValues);
            if (trials.Count > 0 && clock.Elapsed >= budget)
            {
                break;
            }

            var watch = Stopwatch.StartNew();
            var (value, used) = Attempt(() => crossValidate
                ? CrossValidated(ml, schema, all, trainer, hyperparameters, small ? 0 : patience, metric, watched, seed)
                : Holdout(ml, schema, train, validation, trainer, hyperparameters, patience, metric, watched), hyperparameters);
            trials.Add(new SearchTrial(trials.Count, trainer.Name, used, value, Math.Round(watch.Elapsed.TotalSeconds, 2)));
        }

        var best = HyperparameterSearch.Best(trials, watched);
        return new SearchResult(TrainerCatalog.All.First(t => t.Name == best.Trainer), best.Hyperparameters, trials) { Protocol = crossValidate ? $"{Folds}-fold cross-validation" : "validation split", Metric = watched.Name };
    }

    // A candidate ML.NET cannot fit here (e.g. SDCA diverging to non-finite weights) is a trial without a value, not a failed job.
    private static (double Value, IReadOnlyDictionary<string, double> Used) Attempt(Func<(double, IReadOnlyDictionary<string, double>)> trial, IReadOnlyDictionary<string, double> hyperparameters)
    {
        try
        {
            return trial();
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException)
        {
            return (double.NaN, hyperparameters);
        }
    }

    private static (double Value, IReadOnlyDictionary<string, double> Used) CrossValidated(
        MLContext ml, SnapshotSchema schema, IDataView all, TrainerDefinition trainer, Dictionary<string, double> hyperparameters, int patience, MetricDefinition metric, MetricDefinition watched, int seed)
    {
        if (patience > 0 && EarlyStopping.Applies(trainer, schema.Task))
        {
            var stopped = EarlyStopping.CrossValidate(ml, schema, trainer, hyperparameters, (int)hyperparameters["numberOfTrees"], patience, metric, all, Folds, seed);
            return (stopped.Value, new Dictionary<string, double>(hyperparameters) { ["numberOfTrees"] = stopped.Rounds });
        }

        return (CrossValidation.Run(ml, schema, all, trainer, hyperparameters, Folds, seed).GetValueOrDefault(watched.Name, double.NaN), hyperparameters);
    }

    private static (double Value, IReadOnlyDictionary<string, double> Used) Holdout(
        MLContext ml, SnapshotSchema schema, IDataView train, IDataView validation, TrainerDefinition trainer, Dictionary<string, double> hyperparameters, int patience, MetricDefinition metric, MetricDefinition watched)
    {
        if (patience > 0 && EarlyStopping.Applies(trainer, schema.Task))
        {
            var stopped = EarlyStopping.Run(ml, schema, trainer, hyperparameters, (int)hyperparameters["numberOfTrees"], patience, metric, train, validation);
            return (stopped.Value, new Dictionary<string, double>(hyperparameters) { ["numberOfTrees"] = stopped.Rounds });
        }

        var metrics = MetricsCalculator.Compute(ml, schema.Task, TrainerFactory.Build(ml, schema, trainer, hyperparameters).Fit(train).Transform(validation));
        return (metrics.GetValueOrDefault(watched.Name, double.NaN), hyperparameters);
    }

    // Holdout candidates: boosters with a generous round cap (early stopping picks the rounds), a forest and a linear model.
    private static IEnumerable<(TrainerDefinition, Dictionary<string, double>)> Candidates(ModelTask task, long rows)
    {
        double leaf = Math.Clamp(Math.Round(rows / 500.0), 5, 20);
        if (task == ModelTask.Multiclass)
        {
            yield return (TrainerCatalog.LightGbm, Tree(200, 31, 0.1, leaf));
            yield return (TrainerCatalog.Sdca, Linear(1e-4));
            yield return (TrainerCatalog.LightGbm, Tree(200, 8, 0.1, leaf));
            yield break;
        }

        yield return (TrainerCatalog.LightGbm, Tree(3000, 31, 0.05, leaf));
        yield return (TrainerCatalog.Sdca, Linear(1e-4));
        yield return (TrainerCatalog.LightGbm, Tree(3000, 8, 0.05, leaf));
        yield return (TrainerCatalog.Gam, Additive(leaf));
        yield return (TrainerCatalog.LightGbm, With(Tree(3000, 4, 0.05, leaf), 0.7));
        yield return (TrainerCatalog.LightGbm, With(Tree(3000, 8, 0.05, leaf * 2), 0.5));
        yield return (TrainerCatalog.FastTree, Tree(1000, 20, 0.1, leaf));
        yield return (TrainerCatalog.LightGbm, Bagged(Tree(3000, 128, 0.03, Math.Max(3, Math.Round(leaf / 4))), 0.8));
        yield return (TrainerCatalog.FastForest, Forest(300, 64, Math.Max(2, Math.Round(leaf / 4))));
        yield return (TrainerCatalog.Sdca, Linear(1e-2));
        if (task == ModelTask.Regression)
        {
            // Fully grown, its leaves are single rows: a fine regression surface, but 0/1 votes rank churners poorly
            // (Telco: cross-validated AUC 0.787 against 0.848 for LightGbm), so it is a regression candidate only.
            yield return (TrainerCatalog.ExtraTrees, new() { ["numberOfTrees"] = 100 });
        }
    }

    // Small data: fixed rounds, minimum leaves scaled down (a leaf of 10 rows out of 40 leaves almost nothing to split).
    private static IEnumerable<(TrainerDefinition, Dictionary<string, double>)> SmallCandidates(ModelTask task, long rows)
    {
        var leaves = new[] { 1.0, 2, 5 }.Where(l => l <= Math.Max(1, rows / 8)).ToList();
        foreach (double leaf in leaves)
        {
            yield return (TrainerCatalog.FastTree, Tree(300, 8, 0.1, leaf));
            yield return (TrainerCatalog.LightGbm, Tree(300, 8, 0.1, leaf));
        }

        foreach (double leaf in leaves)
        {
            yield return (TrainerCatalog.FastTree, Tree(1000, 20, 0.03, leaf));
            if (task != ModelTask.Multiclass)
            {
                yield return (TrainerCatalog.FastForest, Forest(300, 20, leaf));
            }
        }

        yield return (TrainerCatalog.Sdca, Linear(1e-4));
        yield return (TrainerCatalog.Sdca, Linear(1e-2));
    }

    private static Dictionary<string, double> Fix(TrainerDefinition trainer, Dictionary<string, double> defaults, IReadOnlyDictionary<string, double> fixedValues)
    {
        foreach (var (name, value) in fixedValues.Where(f => trainer.Hyperparameters.Any(h => h.Name == f.Key) && f.Key != EarlyStopping.PatienceName))
        {
            defaults[name] = value;
        }

        return defaults;
    }

    private static Dictionary<string, double> Tree(double trees, double leaves, double rate, double leaf) =>
        new() { ["numberOfTrees"] = trees, ["numberOfLeaves"] = leaves, ["learningRate"] = rate, ["minimumExampleCountPerLeaf"] = leaf };

    private static Dictionary<string, double> With(Dictionary<string, double> tree, double featureFraction) =>
        new(tree) { ["featureFraction"] = featureFraction };

    // Rows and features each sampled per round: a lower-variance booster where the data is noisy.
    private static Dictionary<string, double> Bagged(Dictionary<string, double> tree, double fraction) =>
        new(tree) { ["baggingFraction"] = fraction, ["featureFraction"] = fraction };

    private static Dictionary<string, double> Additive(double leaf) =>
        new() { ["numberOfIterations"] = 2000, ["learningRate"] = 0.01, ["minimumExampleCountPerLeaf"] = leaf, ["maximumBinCountPerFeature"] = 64 };

    private static Dictionary<string, double> Forest(double trees, double leaves, double leaf) =>
        new() { ["numberOfTrees"] = trees, ["numberOfLeaves"] = leaves, ["minimumExampleCountPerLeaf"] = leaf, ["featureFraction"] = 0.7 };

    private static Dictionary<string, double> Linear(double l2) =>
        new() { ["maximumNumberOfIterations"] = 100, ["l2Regularization"] = l2 };
}
