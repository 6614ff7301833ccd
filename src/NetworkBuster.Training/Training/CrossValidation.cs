using Microsoft.ML;
using NetworkBuster.Training.Datasets;
using NetworkBuster.Training.Metrics;

namespace NetworkBuster.Training.Training;

/// <summary>
/// k-fold cross-validation for a <c>kfold</c> split: each fold is scored by a model fitted on the others; the
/// result is each metric's mean and standard deviation (<c>{metric}.sd</c>) over the folds.
/// </summary>
internal static class CrossValidation
{
    /// <summary>The key holding the number of folds.</summary>
    public const string FoldsName = "Folds";

    /// <summary>Cross-validates the job's pipeline on <paramref name="rows"/>.</summary>
    public static Dictionary<string, double> Run(
        MLContext ml, SnapshotSchema schema, IDataView rows, TrainerDefinition trainer, IReadOnlyDictionary<string, double> hyperparameters, int folds, int seed)
    {
        ArgumentNullException.ThrowIfNull(ml);
        ArgumentNullException.ThrowIfNull(schema);
        var perFold = ml.Data.CrossValidationSplit(rows, folds, seed: seed)
            .Select(fold => MetricsCalculator.Compute(ml, schema.Task, TrainerFactory.Build(ml, schema, trainer, hyperparameters).Fit(fold.TrainSet).Transform(fold.TestSet)))
            .ToList();
        return Summarize(perFold);
    }

    /// <summary>Each metric's mean and sample standard deviation (<c>{metric}.sd</c>) over the folds that define it, and <see cref="FoldsName"/>.</summary>
    public static Dictionary<string, double> Summarize(IReadOnlyList<IReadOnlyDictionary<string, double>> perFold)
    {
        ArgumentNullException.ThrowIfNull(perFold);
        var summary = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var name in perFold.SelectMany(m => m.Keys).Distinct(StringComparer.Ordinal))
        {
            var values = perFold.Where(m => m.ContainsKey(name)).Select(m => m[name]).ToList();
            double mean = values.Average();
            summary[name] = Math.Round(mean, 6);
            summary[name + ".sd"] = Math.Round(Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / Math.Max(1, values.Count - 1)), 6);
        }

        summary[FoldsName] = perFold.Count;
        return summary;
    }
}
