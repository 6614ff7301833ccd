using System.IO.Compression;
using System.Runtime.CompilerServices;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;
using NetworkBuster.Training.Contracts;
using NetworkBuster.Training.Datasets;

namespace NetworkBuster.Training.Training;

/// <summary>
/// An <see cref="ExtraTrees"/> forest as an ordinary ML.NET model: a custom mapping from the feature vector to the
/// task's prediction columns (regression: <c>Score</c>; binary: <c>Score</c>, <c>Probability</c>,
/// <c>PredictedLabel</c>), registered by contract name. ML.NET saves only the contract name of a custom mapping, so
/// the forest itself is an entry of <c>model.zip</c> (<see cref="ForestEntry"/>, covered by the model's hash), added
/// when the model is saved (<see cref="ModelContext.Save"/>) and read back when it is loaded
/// (<see cref="ModelContext.Load"/>), the only two ways this build saves and loads models.
/// </summary>
public static class ExtraTreesModel
{
    /// <summary>The entry of <c>model.zip</c> holding the forest; ML.NET ignores it.</summary>
    public const string ForestEntry = "nbtrain/extra-trees.bin";

    internal const string RegressionContract = "nbtrain-extratrees-regression";
    internal const string BinaryContract = "nbtrain-extratrees-binary";

    // A probability of exactly 0 or 1 (every tree agreeing) would make log-loss infinite; scores stay finite.
    private const float ProbabilityFloor = 1e-4f;

    // Fitted mappings and their forests, so saving can write the forest beside the contract name.
    private static readonly ConditionalWeakTable<ITransformer, ExtraTrees> Fitted = [];

    // The forest of the model zip being loaded on this thread (custom mapping factories take no arguments).
    [ThreadStatic]
    private static ExtraTrees? _loading;

    /// <summary>The rows a forest is fitted on: the featurized vector column by column and the label as a number.</summary>
    public static (float[][] Columns, float[] Labels) ReadColumns(IDataView featurized)
    {
        ArgumentNullException.ThrowIfNull(featurized);
        var featureColumn = featurized.Schema[TrainerFactory.FeaturesColumn];
        var labelColumn = featurized.Schema[SnapshotSchema.LabelColumn];
        int width = featureColumn.Type is VectorDataViewType vector ? vector.Size : 1;
        var columns = Enumerable.Range(0, width).Select(_ => new List<float>()).ToArray();
        var labels = new List<float>();
        using var cursor = featurized.GetRowCursor([featureColumn, labelColumn]);
        var getFeatures = cursor.GetGetter<VBuffer<float>>(featureColumn);
        var getLabel = StagedEnsemble.ReadLabel(cursor, labelColumn);
        var buffer = default(VBuffer<float>);
        while (cursor.MoveNext())
        {
            float label = getLabel();
            if (!float.IsFinite(label))
            {
                continue;
            }

            getFeatures(ref buffer);
            int j = 0;
            foreach (float value in buffer.DenseValues())
            {
                columns[j++].Add(value);
            }

            labels.Add(label);
        }

        return ([.. columns.Select(c => c.ToArray())], [.. labels]);
    }

    /// <summary>The ML.NET transformer scoring <paramref name="forest"/> for <paramref name="task"/>.</summary>
    public static ITransformer Transformer(MLContext ml, ModelTask task, ExtraTrees forest, IDataView input)
    {
        ArgumentNullException.ThrowIfNull(ml);
        ArgumentNullException.ThrowIfNull(forest);
        ITransformer transformer = task == ModelTask.Binary
            ? ml.Transforms.CustomMapping(ExtraTreesBinaryMapping.For(forest), BinaryContract).Fit(input)
            : ml.Transforms.CustomMapping(ExtraTreesRegressionMapping.For(forest), RegressionContract).Fit(input);
        Fitted.AddOrUpdate(transformer, forest);
        return transformer;
    }

    /// <summary>The forest's probability as a binary model states it: clipped away from 0 and 1.</summary>
    internal static float Probability(float mean) => Math.Clamp(mean, ProbabilityFloor, 1 - ProbabilityFloor);

    /// <summary>The binary score: the log-odds of the clipped probability (0 at probability 0.5).</summary>
    internal static float Score(float probability) => MathF.Log(probability / (1 - probability));

    /// <summary>Adds the forest of <paramref name="model"/> (if it holds one) to its saved zip, before it is hashed.</summary>
    internal static void AppendForest(Stream zip, ITransformer model)
    {
        if (Find(model) is not { } forest)
        {
            return;
        }

        zip.Position = 0;
        using (var archive = new ZipArchive(zip, ZipArchiveMode.Update, leaveOpen: true))
        {
            using var entry = archive.CreateEntry(ForestEntry, CompressionLevel.Fastest).Open();
            forest.Write(entry);
        }

        zip.Position = 0;
    }

    /// <summary>Reads the forest entry of a model zip (null when it has none) and makes it the one the next load on this thread binds.</summary>
    /// <returns>A scope that clears it.</returns>
    internal static IDisposable BeginLoad(Stream zip)
    {
        zip.Position = 0;
        using (var archive = new ZipArchive(zip, ZipArchiveMode.Read, leaveOpen: true))
        {
            if (archive.GetEntry(ForestEntry) is { } entry)
            {
                using var stream = entry.Open();
                _loading = ExtraTrees.Read(stream);
            }
        }

        zip.Position = 0;
        return new LoadScope();
    }

    /// <summary>The forest being loaded on this thread.</summary>
    /// <exception cref="InvalidDataException">No forest: the zip has no <see cref="ForestEntry"/>, or was loaded without <see cref="ModelContext.Load"/>.</exception>
    internal static ExtraTrees Loading() =>
        _loading ?? throw new InvalidDataException($"Expected the model zip to hold its extra-trees forest ('{ForestEntry}', read by ModelContext.Load), found none.");

    private static ExtraTrees? Find(ITransformer model)
    {
        if (Fitted.TryGetValue(model, out var forest))
        {
            return forest;
        }

        return model is IEnumerable<ITransformer> chain ? chain.Select(Find).FirstOrDefault(f => f is not null) : null;
    }

    private sealed class LoadScope : IDisposable
    {
        public void Dispose() => _loading = null;
    }
}

/// <summary>The feature vector an extra-trees mapping reads.</summary>
public sealed class ExtraTreesInput
{
    /// <summary>The featurized row.</summary>
    [ColumnName(TrainerFactory.FeaturesColumn)]
    [VectorType]
    public VBuffer<float> Features { get; set; }
}

/// <summary>The regression mapping of an extra-trees model (registered by contract name for loading).</summary>
[CustomMappingFactoryAttribute(ExtraTreesModel.RegressionContract)]
public sealed class ExtraTreesRegressionMapping : CustomMappingFactory<ExtraTreesInput, ExtraTreesRegressionMapping.Output>
{
    /// <inheritdoc />
    public override Action<ExtraTreesInput, Output> GetMapping() => For(ExtraTreesModel.Loading());

    internal static Action<ExtraTreesInput, Output> For(ExtraTrees forest) => (input, output) =>
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        output.Score = forest.Predict(Dense(input.Features, forest.FeatureCount));
    };

    internal static ReadOnlySpan<float> Dense(VBuffer<float> features, int width)
    {
        if (features.IsDense)
        {
            return features.GetValues();
        }

        var dense = new float[width];
        features.CopyTo(dense);
        return dense;
    }

    /// <summary>The prediction.</summary>
    public sealed class Output
    {
        /// <summary>The predicted value.</summary>
        public float Score { get; set; }
    }
}

/// <summary>The binary mapping of an extra-trees model (registered by contract name for loading).</summary>
[CustomMappingFactoryAttribute(ExtraTreesModel.BinaryContract)]
public sealed class ExtraTreesBinaryMapping : CustomMappingFactory<ExtraTreesInput, ExtraTreesBinaryMapping.Output>
{
    /// <inheritdoc />
    public override Action<ExtraTreesInput, Output> GetMapping() => For(ExtraTreesModel.Loading());

    internal static Action<ExtraTreesInput, Output> For(ExtraTrees forest) => (input, output) =>
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        float probability = ExtraTreesModel.Probability(forest.Predict(ExtraTreesRegressionMapping.Dense(input.Features, forest.FeatureCount)));
        output.Probability = probability;
        output.Score = ExtraTreesModel.Score(probability);
        output.PredictedLabel = probability >= 0.5f;
    };

    /// <summary>The prediction.</summary>
    public sealed class Output
    {
        /// <summary>The log-odds of <see cref="Probability"/>.</summary>
        public float Score { get; set; }

        /// <summary>The share of trees' leaf votes for the positive class.</summary>
        public float Probability { get; set; }

        /// <summary>Probability at least 0.5.</summary>
        public bool PredictedLabel { get; set; }
    }
}

/// <summary>Fits an <see cref="ExtraTrees"/> forest on the featurized rows as an ML.NET estimator.</summary>
/// <param name="ml">The context.</param>
/// <param name="task">Regression or binary.</param>
/// <param name="trees">The number of trees.</param>
/// <param name="featureFraction">The share of features drawn at each split (NaN: √ of the feature count).</param>
/// <param name="minimumLeaf">The fewest rows in a leaf (0: 1, raised so the forest holds at most <see cref="MaximumDefaultLeaves"/> leaves).</param>
/// <param name="seed">The seed.</param>
public sealed class ExtraTreesEstimator(MLContext ml, ModelTask task, int trees, double featureFraction, int minimumLeaf, int seed) : IEstimator<ITransformer>
{
    /// <summary>With no minimum leaf named, the leaf grows with the rows so the forest holds at most about this many leaves (a model of tens of megabytes).</summary>
    public const int MaximumDefaultLeaves = 2_000_000;

    // Stands in for the forest where only the output columns are asked for; never scores.
    private static readonly ExtraTrees Empty = ExtraTrees.Fit([[0f]], [0f], new ExtraTreesOptions(1, 1, 1, 0));

    /// <inheritdoc />
    public ITransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var (columns, labels) = ExtraTreesModel.ReadColumns(input);
        if (labels.Length == 0)
        {
            throw new InvalidOperationException("Extra trees need at least one row with a label.");
        }

        int width = columns.Length;
        int perSplit = double.IsNaN(featureFraction)
            ? (int)Math.Round(Math.Sqrt(width))
            : (int)Math.Ceiling(featureFraction * width);
        int leaf = minimumLeaf > 0 ? minimumLeaf : (int)Math.Max(1, Math.Ceiling((double)labels.Length * trees / MaximumDefaultLeaves));
        var options = new ExtraTreesOptions(trees, Math.Clamp(perSplit, 1, Math.Max(1, width)), leaf, seed, Environment.ProcessorCount);
        return ExtraTreesModel.Transformer(ml, task, ExtraTrees.Fit(columns, labels, options), input);
    }

    /// <inheritdoc />
    public SchemaShape GetOutputSchema(SchemaShape inputSchema) => task == ModelTask.Binary
        ? ml.Transforms.CustomMapping(ExtraTreesBinaryMapping.For(Empty), ExtraTreesModel.BinaryContract).GetOutputSchema(inputSchema)
        : ml.Transforms.CustomMapping(ExtraTreesRegressionMapping.For(Empty), ExtraTreesModel.RegressionContract).GetOutputSchema(inputSchema);
}
