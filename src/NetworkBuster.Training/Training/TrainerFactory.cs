using System.Globalization;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using Microsoft.ML.Trainers.FastTree;
using Microsoft.ML.Trainers.LightGbm;
using NetworkBuster.Training.Contracts;
using NetworkBuster.Training.Datasets;

namespace NetworkBuster.Training.Training;

/// <summary>Builds the ML.NET pipeline for a snapshot schema, a trainer and its hyperparameters.</summary>
public static class TrainerFactory
{
    /// <summary>The name of the assembled feature vector.</summary>
    public const string FeaturesColumn = "__features";

    /// <summary>Categories with more distinct values than this (in the inference sample) are hashed into 1,024 slots.</summary>
    public const int MaxOneHotValues = 100;

    private static readonly Dictionary<string, double> TreeDefaults = new()
    {
        ["numberOfTrees"] = 100,
        ["numberOfLeaves"] = 20,
        ["learningRate"] = 0.2,
        ["minimumExampleCountPerLeaf"] = 10,
        ["featureFraction"] = 0.7,
    };

    private static readonly Dictionary<string, double> LinearDefaults = new()
    {
        ["maximumNumberOfIterations"] = 100,
        ["l2Regularization"] = 0.0001,
    };

    /// <summary>The hyperparameters a trainer will use: its defaults (and the preset options' defaults) overridden by the job's.</summary>
    /// <param name="trainer">The trainer.</param>
    /// <param name="overrides">The job's hyperparameters.</param>
    /// <param name="options">The preset's options.</param>
    /// <param name="rows">
    /// The rows the model is fitted on, when known: below <see cref="AutoTrainer.SmallDataRows"/> the default minimum
    /// leaf shrinks to a fiftieth of them (at least 1), so a tree on 40 rows can still split.
    /// </param>
    public static IReadOnlyDictionary<string, double> Effective(TrainerDefinition trainer, IReadOnlyDictionary<string, double> overrides, IReadOnlyList<HyperparameterDefinition>? options = null, long? rows = null)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        ArgumentNullException.ThrowIfNull(overrides);
        // Extra trees take no tree default: their feature fraction and minimum leaf follow the data when unset.
        var defaults = trainer == TrainerCatalog.Sdca ? LinearDefaults : trainer == TrainerCatalog.ExtraTrees ? [] : TreeDefaults;
        if (rows is < AutoTrainer.SmallDataRows and >= 0 && defaults == TreeDefaults)
        {
            defaults = new Dictionary<string, double>(TreeDefaults) { ["minimumExampleCountPerLeaf"] = Math.Clamp(Math.Floor(rows.Value / 50.0), 1, TreeDefaults["minimumExampleCountPerLeaf"]) };
        }

        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var h in trainer.Hyperparameters.Concat(options ?? []))
        {
            double? value = overrides.TryGetValue(h.Name, out double v) ? v : h.Default ?? (defaults.TryGetValue(h.Name, out double d) ? d : null);
            if (value is { } known)
            {
                result[h.Name] = known;
            }
        }

        return result;
    }

    /// <summary>The hyperparameters as the JSON stored in registry rows.</summary>
    public static string ToJson(IReadOnlyDictionary<string, double> hyperparameters) => JsonSerializer.Serialize(hyperparameters);

    /// <summary>Featurization plus trainer for the schema's task.</summary>
    public static IEstimator<ITransformer> Build(MLContext ml, SnapshotSchema schema, TrainerDefinition trainer, IReadOnlyDictionary<string, double> hyperparameters)
    {
        ArgumentNullException.ThrowIfNull(ml);
        ArgumentNullException.ThrowIfNull(schema);
        var p = Effective(trainer, hyperparameters);
        return trainer == TrainerCatalog.Pca
            ? FeaturizeStandardized(ml, schema).Append(Trainer(ml, schema.Task, trainer, p))
            : Featurize(ml, schema, linear: trainer == TrainerCatalog.Sdca).Append(Trainer(ml, schema.Task, trainer, p));
    }

    /// <summary>
    /// The featurization for PCA: as <see cref="Featurize"/>, missing values replaced by the mean and every slot scaled to
    /// mean 0 and variance 1, so no feature's unit decides the principal components.
    /// </summary>
    public static IEstimator<ITransformer> FeaturizeStandardized(MLContext ml, SnapshotSchema schema) =>
        Featurize(ml, schema, linear: false)
            .Append(ml.Transforms.ReplaceMissingValues(FeaturesColumn))
            .Append(ml.Transforms.NormalizeMeanVariance(FeaturesColumn));

    /// <summary>The featurization alone: one-hot (hashed above <see cref="MaxOneHotValues"/> values) categories, featurized text, one vector.</summary>
    public static IEstimator<ITransformer> Featurize(MLContext ml, SnapshotSchema schema, bool linear)
    {
        IEstimator<ITransformer> pipeline = new EstimatorChain<ITransformer>();
        var parts = new List<string>();
        foreach (var column in schema.Features)
        {
            switch (column.Kind)
            {
                case SnapshotColumnKind.Number:
                    parts.Add(column.Name);
                    break;
                case SnapshotColumnKind.Category when column.Cardinality > MaxOneHotValues:
                    pipeline = pipeline.Append(ml.Transforms.Categorical.OneHotHashEncoding(column.Name + "__onehot", column.Name, numberOfBits: 10));
                    parts.Add(column.Name + "__onehot");
                    break;
                case SnapshotColumnKind.Category:
                    pipeline = pipeline.Append(ml.Transforms.Categorical.OneHotEncoding(column.Name + "__onehot", column.Name, maximumNumberOfKeys: 1000));
                    parts.Add(column.Name + "__onehot");
                    break;
                default:
                    pipeline = pipeline.Append(ml.Transforms.Text.FeaturizeText(column.Name + "__text", column.Name));
                    parts.Add(column.Name + "__text");
                    break;
            }
        }

        pipeline = pipeline.Append(ml.Transforms.Concatenate(FeaturesColumn, [.. parts]));
        if (linear)
        {
            pipeline = pipeline
                .Append(ml.Transforms.ReplaceMissingValues(FeaturesColumn))
                .Append(ml.Transforms.NormalizeMinMax(FeaturesColumn));
        }

        return pipeline;
    }

    /// <summary>The trainer alone, reading <see cref="FeaturesColumn"/> (from <see cref="Featurize"/>) and the label.</summary>
    internal static IEstimator<ITransformer> Trainer(MLContext ml, ModelTask task, TrainerDefinition trainer, IReadOnlyDictionary<string, double> p)
    {
        const string label = SnapshotSchema.LabelColumn;
        const string features = FeaturesColumn;
        int I(string name) => (int)Math.Round(p[name]);
        double D(string name) => p[name];
        return (task, trainer.Name) switch
        {
            (ModelTask.Regression or ModelTask.Recommendation, "fasttree") => ml.Regression.Trainers.FastTree(new FastTreeRegressionTrainer.Options { LabelColumnName = label, FeatureColumnName = features, NumberOfTrees = I("numberOfTrees"), NumberOfLeaves = I("numberOfLeaves"), LearningRate = D("learningRate"), MinimumExampleCountPerLeaf = I("minimumExampleCountPerLeaf") }),
            (ModelTask.Regression or ModelTask.Recommendation, "fastforest") => ml.Regression.Trainers.FastForest(new FastForestRegressionTrainer.Options { LabelColumnName = label, FeatureColumnName = features, NumberOfTrees = I("numberOfTrees"), NumberOfLeaves = I("numberOfLeaves"), MinimumExampleCountPerLeaf = I("minimumExampleCountPerLeaf"), FeatureFraction = D("featureFraction") }),
            (ModelTask.Regression or ModelTask.Recommendation, "lightgbm") => ml.Regression.Trainers.LightGbm(LightGbmRegression(p)),
            (ModelTask.Regression or ModelTask.Recommendation, "sdca") => ml.Regression.Trainers.Sdca(new SdcaRegressionTrainer.Options { LabelColumnName = label, FeatureColumnName = features, MaximumNumberOfIterations = I("maximumNumberOfIterations"), L2Regularization = (float)D("l2Regularization") }),
            (ModelTask.Regression, "gam") => ml.Regression.Trainers.Gam(new GamRegressionTrainer.Options { LabelColumnName = label, FeatureColumnName = features, NumberOfIterations = I("numberOfIterations"), LearningRate = D("learningRate"), MinimumExampleCountPerLeaf = I("minimumExampleCountPerLeaf"), MaximumBinCountPerFeature = I("maximumBinCountPerFeature") }),
            (ModelTask.Binary, "gam") => ml.BinaryClassification.Trainers.Gam(new GamBinaryTrainer.Options { LabelColumnName = label, FeatureColumnName = features, NumberOfIterations = I("numberOfIterations"), LearningRate = D("learningRate"), MinimumExampleCountPerLeaf = I("minimumExampleCountPerLeaf"), MaximumBinCountPerFeature = I("maximumBinCountPerFeature") }),
            (ModelTask.Binary, "fasttree") => ml.BinaryClassification.Trainers.FastTree(new FastTreeBinaryTrainer.Options { LabelColumnName = label, FeatureColumnName = features, NumberOfTrees = I("numberOfTrees"), NumberOfLeaves = I("numberOfLeaves"), LearningRate = D("learningRate"), MinimumExampleCountPerLeaf = I("minimumExampleCountPerLeaf") }),
            (ModelTask.Binary, "fastforest") => ml.BinaryClassification.Trainers.FastForest(new FastForestBinaryTrainer.Options { LabelColumnName = label, FeatureColumnName = features, NumberOfTrees = I("numberOfTrees"), NumberOfLeaves = I("numberOfLeaves"), MinimumExampleCountPerLeaf = I("minimumExampleCountPerLeaf"), FeatureFraction = D("featureFraction") }),
            (ModelTask.Binary, "lightgbm") => ml.BinaryClassification.Trainers.LightGbm(LightGbmBinary(p)),
            (ModelTask.Binary, "sdca") => ml.BinaryClassification.Trainers.SdcaLogisticRegression(new SdcaLogisticRegressionBinaryTrainer.Options { LabelColumnName = label, FeatureColumnName = features, MaximumNumberOfIterations = I("maximumNumberOfIterations"), L2Regularization = (float)D("l2Regularization") }),
            (ModelTask.Multiclass, "lightgbm") => ml.MulticlassClassification.Trainers.LightGbm(new LightGbmMulticlassTrainer.Options { LabelColumnName = label, FeatureColumnName = features, NumberOfIterations = I("numberOfTrees"), NumberOfLeaves = I("numberOfLeaves"), LearningRate = D("learningRate"), MinimumExampleCountPerLeaf = I("minimumExampleCountPerLeaf"), Booster = Booster(p) }),
            (ModelTask.Multiclass, "sdca") => ml.MulticlassClassification.Trainers.SdcaMaximumEntropy(new SdcaMaximumEntropyMulticlassTrainer.Options { LabelColumnName = label, FeatureColumnName = features, MaximumNumberOfIterations = I("maximumNumberOfIterations"), L2Regularization = (float)D("l2Regularization") }),
            (ModelTask.Multiclass, "fasttree") => ml.MulticlassClassification.Trainers.OneVersusAll(ml.BinaryClassification.Trainers.FastTree(new FastTreeBinaryTrainer.Options { FeatureColumnName = features, NumberOfTrees = I("numberOfTrees"), NumberOfLeaves = I("numberOfLeaves"), LearningRate = D("learningRate"), MinimumExampleCountPerLeaf = I("minimumExampleCountPerLeaf") }), label),
            (ModelTask.Multiclass, "fastforest") => ml.MulticlassClassification.Trainers.OneVersusAll(ml.BinaryClassification.Trainers.FastForest(new FastForestBinaryTrainer.Options { FeatureColumnName = features, NumberOfTrees = I("numberOfTrees"), NumberOfLeaves = I("numberOfLeaves"), MinimumExampleCountPerLeaf = I("minimumExampleCountPerLeaf"), FeatureFraction = D("featureFraction") }), label),
            (ModelTask.Regression or ModelTask.Binary, "extratrees") => new ExtraTreesEstimator(
                ml, task, I("numberOfTrees"), p.GetValueOrDefault("featureFraction", double.NaN), p.TryGetValue("minimumExampleCountPerLeaf", out double leaf) ? (int)Math.Round(leaf) : 0, seed: 1),
            (ModelTask.Anomaly, "pca") => ml.AnomalyDetection.Trainers.RandomizedPca(new RandomizedPcaTrainer.Options { FeatureColumnName = features, Rank = I(AnomalyOptions.Rank), Oversampling = I(AnomalyOptions.Oversampling), EnsureZeroMean = I(AnomalyOptions.EnsureZeroMean) != 0 }),
            _ => throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"No '{trainer.Name}' trainer for {task}."), nameof(trainer)),
        };
    }

    /// <summary>LightGbm regression options from effective hyperparameters (early stopping adds its own settings).</summary>
    internal static LightGbmRegressionTrainer.Options LightGbmRegression(IReadOnlyDictionary<string, double> p) => new()
    {
        LabelColumnName = SnapshotSchema.LabelColumn, FeatureColumnName = FeaturesColumn, NumberOfIterations = Whole(p, "numberOfTrees"), NumberOfLeaves = Whole(p, "numberOfLeaves"),
        LearningRate = p["learningRate"], MinimumExampleCountPerLeaf = Whole(p, "minimumExampleCountPerLeaf"), Booster = Booster(p),
    };

    /// <summary>LightGbm binary options from effective hyperparameters (early stopping adds its own settings).</summary>
    internal static LightGbmBinaryTrainer.Options LightGbmBinary(IReadOnlyDictionary<string, double> p) => new()
    {
        LabelColumnName = SnapshotSchema.LabelColumn, FeatureColumnName = FeaturesColumn, NumberOfIterations = Whole(p, "numberOfTrees"), NumberOfLeaves = Whole(p, "numberOfLeaves"),
        LearningRate = p["learningRate"], MinimumExampleCountPerLeaf = Whole(p, "minimumExampleCountPerLeaf"), Booster = Booster(p),
    };

    // Row bagging (a new sample every round) only when baggingFraction is below 1.
    private static GradientBooster.Options Booster(IReadOnlyDictionary<string, double> p)
    {
        double bagging = p.TryGetValue("baggingFraction", out double b) ? b : 1;
        return new() { FeatureFraction = p.TryGetValue("featureFraction", out double f) ? f : 1, SubsampleFraction = bagging, SubsampleFrequency = bagging < 1 ? 1 : 0 };
    }

    private static int Whole(IReadOnlyDictionary<string, double> p, string name) => (int)Math.Round(p[name]);
}
