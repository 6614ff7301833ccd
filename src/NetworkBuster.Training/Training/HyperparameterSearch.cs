using System.Diagnostics;
using Microsoft.ML;
using NetworkBuster.Training.Contracts;
using NetworkBuster.Training.Datasets;
using NetworkBuster.Training.Metrics;

namespace NetworkBuster.Training.Training;

/// <summary>One fitted configuration of a search.</summary>
/// <param name="Trial">Its number (0 is the job's own configuration).</param>
/// <param name="Trainer">The trainer.</param>
/// <param name="Hyperparameters">The effective hyperparameters.</param>
/// <param name="Value">The primary metric on the validation split (NaN when undefined).</param>
/// <param name="Seconds">Fit and score time.</param>
public sealed record SearchTrial(int Trial, string Trainer, IReadOnlyDictionary<string, double> Hyperparameters, double Value, double Seconds);

/// <summary>The search's outcome.</summary>
/// <param name="Trainer">The best trainer.</param>
/// <param name="Hyperparameters">Its hyperparameters.</param>
/// <param name="Trials">Every trial, in order.</param>
public sealed record SearchResult(TrainerDefinition Trainer, IReadOnlyDictionary<string, double> Hyperparameters, IReadOnlyList<SearchTrial> Trials)
{
    /// <summary>How the trials were scored (the validation split, or k-fold cross-validation).</summary>
    public string Protocol { get; init; } = "validation split";

    /// <summary>The metric the trials compared (null: the job's primary metric).</summary>
    public string? Metric { get; init; }
}

/// <summary>
/// A bounded search on the validation split: trial 0 is the job's configuration, then random draws (seeded, log-uniform
/// where the range spans magnitudes) or a fixed grid, over each searched trainer, until the trial or time budget ends.
/// Hyperparameters the job set are held fixed.
/// </summary>
internal static class HyperparameterSearch
{
    /// <summary>Runs the search.</summary>
    public static SearchResult Run(MLContext ml, SnapshotSchema schema, IDataView train, IDataView validation, TrainingJob job, TrainerDefinition jobTrainer, MetricDefinition metric)
    {
        ArgumentNullException.ThrowIfNull(ml);
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(jobTrainer);
        ArgumentNullException.ThrowIfNull(metric);
        var search = job.Search ?? new SearchSpec();
        var trainers = (search.Trainers ?? [jobTrainer.Name]).Select(t => TrainerCatalog.Validate(schema.Task, t, new Dictionary<string, double>())).ToList();
        var candidates = Candidates(search, trainers, job).Prepend((jobTrainer, TrainerFactory.Effective(jobTrainer, job.Hyperparameters)));
        var trials = new List<SearchTrial>();
        var budget = Stopwatch.StartNew();
        foreach (var (trainer, hyperparameters) in candidates.Take(search.Trials))
        {
            if (trials.Count > 0 && budget.Elapsed.TotalMinutes >= search.Minutes)
            {
                break;
            }

            var watch = Stopwatch.StartNew();
            var model = TrainerFactory.Build(ml, schema, trainer, hyperparameters).Fit(train);
            var metrics = MetricsCalculator.Compute(ml, schema.Task, model.Transform(validation));
            trials.Add(new SearchTrial(trials.Count, trainer.Name, hyperparameters, metrics.TryGetValue(metric.Name, out double v) ? v : double.NaN, Math.Round(watch.Elapsed.TotalSeconds, 2)));
        }

        var best = Best(trials, metric);
        return new SearchResult(TrainerCatalog.All.First(t => t.Name == best.Trainer), best.Hyperparameters, trials) { Metric = metric.Name };
    }

    /// <summary>The trial with the best finite value by <paramref name="metric"/> (the first when none has one).</summary>
    public static SearchTrial Best(IReadOnlyList<SearchTrial> trials, MetricDefinition metric) =>
        trials.Where(t => double.IsFinite(t.Value)).Aggregate((SearchTrial?)null, (b, t) => b is null || metric.IsBetter(t.Value, b.Value) ? t : b) ?? trials[0];

    private static IEnumerable<(TrainerDefinition Trainer, IReadOnlyDictionary<string, double> Hyperparameters)> Candidates(SearchSpec search, List<TrainerDefinition> trainers, TrainingJob job)
    {
        if (search.Kind == SearchSpec.Grid)
        {
            var grids = trainers.Select(t => Grid(t).Select(point => Merge(t, point, job))).Select(g => g.GetEnumerator()).ToList();
            bool any = true;
            while (any)
            {
                any = false;
                foreach (var grid in grids)
                {
                    if (grid.MoveNext())
                    {
                        any = true;
                        yield return grid.Current;
                    }
                }
            }

            yield break;
        }

        var random = new Random(job.Split.Seed);
        for (int i = 0; ; i++)
        {
            var trainer = trainers[i % trainers.Count];
            yield return Merge(trainer, Draw(trainer, random), job);
        }
    }

    private static (TrainerDefinition, IReadOnlyDictionary<string, double>) Merge(TrainerDefinition trainer, Dictionary<string, double> point, TrainingJob job)
    {
        foreach (var (name, value) in job.Hyperparameters)
        {
            point[name] = value;
        }

        return (trainer, TrainerFactory.Effective(trainer, point.Where(p => trainer.Hyperparameters.Any(h => h.Name == p.Key)).ToDictionary()));
    }

    private static Dictionary<string, double> Draw(TrainerDefinition trainer, Random random)
    {
        double LogUniform(double min, double max) => Math.Exp(Math.Log(min) + (random.NextDouble() * (Math.Log(max) - Math.Log(min))));
        if (trainer.Name == TrainerCatalog.ExtraTrees.Name)
        {
            return new() { ["featureFraction"] = Math.Round(0.05 + (random.NextDouble() * 0.65), 3), ["minimumExampleCountPerLeaf"] = random.Next(1, 6), ["numberOfTrees"] = Math.Round(LogUniform(50, 300)) };
        }

        return trainer.Name == TrainerCatalog.Sdca.Name
            ? new() { ["l2Regularization"] = LogUniform(1e-6, 1), ["maximumNumberOfIterations"] = Math.Round(LogUniform(50, 500)) }
            : new()
            {
                ["numberOfTrees"] = Math.Round(LogUniform(50, 600)),
                ["numberOfLeaves"] = Math.Round(LogUniform(8, 128)),
                ["learningRate"] = Math.Round(LogUniform(0.02, 0.3), 4),
                ["minimumExampleCountPerLeaf"] = Math.Round(LogUniform(2, 100)),
                ["featureFraction"] = Math.Round(0.3 + (random.NextDouble() * 0.7), 3),
            };
    }

    private static IEnumerable<Dictionary<string, double>> Grid(TrainerDefinition trainer)
    {
        if (trainer.Name == TrainerCatalog.Sdca.Name)
        {
            foreach (double l2 in new[] { 1e-4, 1e-2, 1e-6, 1 })
            {
                yield return new() { ["l2Regularization"] = l2 };
            }

            yield break;
        }

        if (trainer.Name == TrainerCatalog.ExtraTrees.Name)
        {
            // Extra trees take no leaves or rate: the share of features drawn per split and the leaf size are what matter.
            foreach (double fraction in new[] { 0.2, 0.35, 0.1, 0.6 })
            {
                foreach (double leaf in new[] { 1.0, 3 })
                {
                    yield return new() { ["featureFraction"] = fraction, ["minimumExampleCountPerLeaf"] = leaf, ["numberOfTrees"] = 100 };
                }
            }

            yield break;
        }

        foreach (double leaves in new[] { 32.0, 16, 64 })
        {
            foreach (double rate in new[] { 0.1, 0.05, 0.2 })
            {
                foreach (double trees in new[] { 300.0, 100 })
                {
                    yield return new() { ["numberOfLeaves"] = leaves, ["learningRate"] = rate, ["numberOfTrees"] = trees, ["featureFraction"] = 0.7 };
                }
            }
        }
    }
}
