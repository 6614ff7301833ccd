using Microsoft.ML;
using Microsoft.ML.Calibrators;
using Microsoft.ML.Trainers.FastTree;
using Microsoft.ML.Trainers.LightGbm;
using NetworkBuster.Training.Contracts;
using NetworkBuster.Training.Datasets;
using NetworkBuster.Training.Metrics;

namespace NetworkBuster.Training.Training;

/// <summary>How many boosting rounds early stopping kept, out of how many allowed.</summary>
/// <param name="Rounds">The rounds of the best validation score (the final fit uses this many).</param>
/// <param name="Cap">The most rounds allowed (the job's <c>numberOfTrees</c>, or <see cref="EarlyStopping.DefaultCap"/>).</param>
/// <param name="Patience">Rounds without improvement before stopping.</param>
/// <param name="Metric">The validation metric it watched.</param>
public sealed record StoppedRounds(int Rounds, int Cap, int Patience, string Metric)
{
    /// <summary>The watched metric on the validation split at <see cref="Rounds"/>.</summary>
    public double Value { get; init; } = double.NaN;

    /// <summary>The watched metric on the validation split after each round (entry k: k + 1 rounds), for the report.</summary>
    public IReadOnlyList<double> Curve { get; init; } = [];
}

/// <summary>
/// Boosting rounds chosen by early stopping on the validation split. The booster (LightGbm or FastTree) is fitted on the
/// train split with the cap as its round count (LightGbm itself stops after <c>earlyStoppingRounds</c> rounds without
/// improvement of its closest built-in metric), then its trees are replayed round by round on the validation rows
/// (<see cref="StagedEnsemble"/>) and the round count with the best primary metric is kept: RMSE, MAE, MAPE, R² or MSE
/// exactly for regression, AUC for binary models.
/// </summary>
public static class EarlyStopping
{
    /// <summary>The hyperparameter that sets the patience (0 turns early stopping off).</summary>
    public const string PatienceName = "earlyStoppingRounds";

    /// <summary>Patience when the job sets none.</summary>
    public const int DefaultPatience = 20;

    /// <summary>The most rounds when the job does not name <c>numberOfTrees</c>.</summary>
    public const int DefaultCap = 1000;

    /// <summary>Fewer validation rows than this cannot tell one round from the next: no early stopping.</summary>
    public const long MinValidationRows = 30;

    /// <summary>Whether early stopping applies to this trainer and task.</summary>
    public static bool Applies(TrainerDefinition trainer, ModelTask task) =>
        (trainer == TrainerCatalog.LightGbm || trainer == TrainerCatalog.FastTree) && task is ModelTask.Regression or ModelTask.Binary;

    /// <summary>Fits on <paramref name="train"/> watching <paramref name="validation"/>; the rounds of the best score.</summary>
    public static StoppedRounds Run(
        MLContext ml, SnapshotSchema schema, TrainerDefinition trainer, IReadOnlyDictionary<string, double> hyperparameters, int cap, int patience, MetricDefinition primary, IDataView train, IDataView validation)
    {
        ArgumentNullException.ThrowIfNull(ml);
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(trainer);
        ArgumentNullException.ThrowIfNull(hyperparameters);
        ArgumentNullException.ThrowIfNull(primary);
        var featurizer = TrainerFactory.Featurize(ml, schema, linear: false).Fit(train);
        var (t, v) = (featurizer.Transform(train), featurizer.Transform(validation));
        var capped = new Dictionary<string, double>(hyperparameters) { ["numberOfTrees"] = cap };
        var curve = StagedEnsemble.Read(v).Curve(EnsembleOf(FitBooster(ml, schema.Task, trainer, capped, patience, primary, t, v)), schema.Task, primary, patience);
        var best = StagedEnsemble.BestOf(curve, StagedEnsemble.Watched(schema.Task, primary), patience);
        return new StoppedRounds(Math.Clamp(best.Rounds, 1, cap), cap, patience, best.Metric) { Value = best.Value, Curve = curve };
    }

    /// <summary>
    /// Early stopping under k-fold cross-validation: in each fold the booster is fitted on the other folds (capped,
    /// LightGbm stopping on the held-out fold) and its curve is read on the held-out fold; the round count with the best
    /// mean over the folds (a fold that stopped sooner counts at its last value) is kept, with that mean.
    /// </summary>
    public static StoppedRounds CrossValidate(
        MLContext ml, SnapshotSchema schema, TrainerDefinition trainer, IReadOnlyDictionary<string, double> hyperparameters, int cap, int patience, MetricDefinition primary, IDataView rows, int folds, int seed)
    {
        ArgumentNullException.ThrowIfNull(ml);
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(hyperparameters);
        var capped = new Dictionary<string, double>(hyperparameters) { ["numberOfTrees"] = cap };
        var curves = new List<double[]>();
        foreach (var fold in ml.Data.CrossValidationSplit(rows, folds, seed: seed))
        {
            var featurizer = TrainerFactory.Featurize(ml, schema, linear: false).Fit(fold.TrainSet);
            var (t, v) = (featurizer.Transform(fold.TrainSet), featurizer.Transform(fold.TestSet));
            curves.Add(StagedEnsemble.Read(v).Curve(EnsembleOf(FitBooster(ml, schema.Task, trainer, capped, patience, primary, t, v)), schema.Task, primary));
        }

        int length = curves.Max(c => c.Length);
        var mean = Enumerable.Range(0, length).Select(k => curves.Average(c => c.Length == 0 ? double.NaN : c[Math.Min(k, c.Length - 1)])).ToList();
        var best = StagedEnsemble.BestOf(mean, StagedEnsemble.Watched(schema.Task, primary));
        return new StoppedRounds(Math.Clamp(best.Rounds, 1, cap), cap, patience, best.Metric) { Value = best.Value, Curve = mean };
    }

    /// <summary>The tree ensemble inside a fitted booster (calibrated binary models included).</summary>
    public static TreeEnsemble<RegressionTree> EnsembleOf(ITransformer fitted)
    {
        object? parameters = fitted switch
        {
            ISingleFeaturePredictionTransformer<object> single => single.Model,
            _ => null,
        };
        parameters = parameters switch
        {
            CalibratedModelParametersBase<LightGbmBinaryModelParameters, PlattCalibrator> calibrated => calibrated.SubModel,
            CalibratedModelParametersBase<FastTreeBinaryModelParameters, PlattCalibrator> calibrated => calibrated.SubModel,
            _ => parameters,
        };
        return parameters is TreeEnsembleModelParametersBasedOnRegressionTree trees
            ? trees.TrainedTreeEnsemble
            : throw new ArgumentException($"Expected a boosted tree model, but found {parameters?.GetType().Name ?? fitted.GetType().Name}.", nameof(fitted));
    }

    // The booster at its cap on the featurized train rows; LightGbm also stops itself on the validation rows.
    private static ITransformer FitBooster(
        MLContext ml, ModelTask task, TrainerDefinition trainer, Dictionary<string, double> capped, int patience, MetricDefinition primary, IDataView train, IDataView validation) =>
        trainer == TrainerCatalog.LightGbm
            ? FitLightGbm(ml, task, capped, patience, primary, train, validation)
            : TrainerFactory.Trainer(ml, task, trainer, capped).Fit(train);

    private static ITransformer FitLightGbm(
        MLContext ml, ModelTask task, Dictionary<string, double> p, int patience, MetricDefinition primary, IDataView train, IDataView validation)
    {
        if (task == ModelTask.Binary)
        {
            var binary = TrainerFactory.LightGbmBinary(p);
            binary.EarlyStoppingRound = patience;
            binary.EvaluationMetric = primary.Name == "LogLoss" ? LightGbmBinaryTrainer.Options.EvaluateMetricType.Logloss : LightGbmBinaryTrainer.Options.EvaluateMetricType.AreaUnderCurve;
            return ml.BinaryClassification.Trainers.LightGbm(binary).Fit(train, validation);
        }

        var regression = TrainerFactory.LightGbmRegression(p);
        regression.EarlyStoppingRound = patience;
        regression.EvaluationMetric = primary.Name is "MAE" or "MAPE" ? LightGbmRegressionTrainer.Options.EvaluateMetricType.MeanAbsoluteError : LightGbmRegressionTrainer.Options.EvaluateMetricType.RootMeanSquaredError;
        return ml.Regression.Trainers.LightGbm(regression).Fit(train, validation);
    }
}
