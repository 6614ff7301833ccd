using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using NetworkBuster.Training.Contracts;
using NetworkBuster.Training.Datasets;

namespace NetworkBuster.Training.Training;

/// <summary>A trainer and its hyperparameters: one member of a blend.</summary>
/// <param name="Trainer">The trainer.</param>
/// <param name="Hyperparameters">Its effective hyperparameters.</param>
public sealed record BlendMember(TrainerDefinition Trainer, IReadOnlyDictionary<string, double> Hyperparameters);

/// <summary>
/// Two regression models averaged: <c>Score = w·first + (1 − w)·second</c>, both fitted on the same featurized rows.
/// It is an ordinary ML.NET chain (featurization, the first model, a copy of its score, the second model, an
/// <c>Expression</c> transform holding the weight), so it saves, loads and scores like any model.
/// </summary>
public static class BlendModel
{
    private const string Score = "Score";
    private const string FirstScore = "__blend_first";

    /// <summary>The weights a blend may take: 0.1 apart (0 and 1 are the members alone).</summary>
    public static IReadOnlyList<double> Weights { get; } = [.. Enumerable.Range(0, 11).Select(i => i / 10.0)];

    /// <summary>Trainers that can be blended: those fitted on the same (tree) featurization.</summary>
    public static bool CanBlend(TrainerDefinition trainer) =>
        trainer == TrainerCatalog.LightGbm || trainer == TrainerCatalog.FastTree || trainer == TrainerCatalog.FastForest || trainer == TrainerCatalog.Gam || trainer == TrainerCatalog.ExtraTrees;

    /// <summary>The name a blend is recorded under (registry row, run row, report): the two trainers joined by '+'.</summary>
    public static string NameOf(BlendMember first, BlendMember second)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        return $"{first.Trainer.Name}+{second.Trainer.Name}";
    }

    /// <summary>Fits both members on <paramref name="data"/> and chains them with the weight.</summary>
    /// <param name="ml">The context.</param>
    /// <param name="schema">The snapshot layout (a regression task).</param>
    /// <param name="first">The member weighted by <paramref name="weight"/>.</param>
    /// <param name="second">The member weighted by 1 − <paramref name="weight"/>.</param>
    /// <param name="weight">The first member's weight, from 0 to 1.</param>
    /// <param name="data">The rows.</param>
    public static ITransformer Fit(MLContext ml, SnapshotSchema schema, BlendMember first, BlendMember second, double weight, IDataView data)
    {
        ArgumentNullException.ThrowIfNull(ml);
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        if (schema.Task != ModelTask.Regression || !CanBlend(first.Trainer) || !CanBlend(second.Trainer) || weight is < 0 or > 1)
        {
            throw new ArgumentException($"A blend takes two tree trainers of a regression model and a weight from 0 to 1, found {schema.Task} {first.Trainer.Name}+{second.Trainer.Name} at {weight}.");
        }

        var featurizer = TrainerFactory.Featurize(ml, schema, linear: false).Fit(data);
        var featurized = featurizer.Transform(data);
        var firstModel = TrainerFactory.Trainer(ml, schema.Task, first.Trainer, TrainerFactory.Effective(first.Trainer, first.Hyperparameters)).Fit(featurized);
        var copy = ml.Transforms.CopyColumns(FirstScore, Score).Fit(firstModel.Transform(featurized));
        var secondModel = TrainerFactory.Trainer(ml, schema.Task, second.Trainer, TrainerFactory.Effective(second.Trainer, second.Hyperparameters)).Fit(featurized);
        var scored = secondModel.Transform(copy.Transform(firstModel.Transform(featurized)));
        string w = weight.ToString("0.0##", CultureInfo.InvariantCulture), rest = (1 - weight).ToString("0.0##", CultureInfo.InvariantCulture);
        var blend = ml.Transforms.Expression(Score, $"(a, b) => {w} * a + {rest} * b", FirstScore, Score).Fit(scored);
        return new TransformerChain<ITransformer>(featurizer, firstModel, copy, secondModel, blend);
    }
}
