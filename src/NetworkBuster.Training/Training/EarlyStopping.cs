using Microsoft.ML;
using Microsoft.ML.Calibrators;
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
public sealed record StoppedRounds(int Rounds, int Cap, int Patience, string Metric);

/// <summary>
/// Boosting rounds chosen by early stopping on the validation split: LightGbm fits on the train split, watches the
/// validation split's metric closest to the job's primary metric (RMSE for RMSE/R²/MSE, MAE for MAE/MAPE, AUC or
/// log-loss for binary models), and stops after <c>earlyStoppingRounds</c> rounds without improvement.
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
        trainer == TrainerCatalog.LightGbm && task is ModelTask.Regression or ModelTask.Binary;

    /// <summary>Fits on <paramref name="train"/> watching <paramref name="validation"/>; the rounds of the best score.</summary>
    public static StoppedRounds Run(
        MLContext ml, SnapshotSchema schema, IReadOnlyDictionary<string, double> hyperparameters, int cap, int patience, MetricDefinition primary, IDataView train, IDataView validation)
    {
        ArgumentNullException.ThrowIfNull(ml);
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(hyperparameters);
        ArgumentNullException.ThrowIfNull(primary);
        var featurizer = TrainerFactory.Featurize(ml, schema, linear: false).Fit(train);
        var (t, v) = (featurizer.Transform(train), featurizer.Transform(validation));
        int I(string name) => (int)Math.Round(hyperparameters[name]);
        double D(string name) => hyperparameters[name];
        const string label = SnapshotSchema.LabelColumn, features = TrainerFactory.FeaturesColumn;
        if (schema.Task == ModelTask.Binary)
        {
            var metric = primary.Name == "LogLoss" ? LightGbmBinaryTrainer.Options.EvaluateMetricType.Logloss : LightGbmBinaryTrainer.Options.EvaluateMetricType.AreaUnderCurve;
            var binary = ml.BinaryClassification.Trainers.LightGbm(new LightGbmBinaryTrainer.Options
            {
                LabelColumnName = label, FeatureColumnName = features, NumberOfIterations = cap, NumberOfLeaves = I("numberOfLeaves"), LearningRate = D("learningRate"),
                MinimumExampleCountPerLeaf = I("minimumExampleCountPerLeaf"), EarlyStoppingRound = patience, EvaluationMetric = metric,
            }).Fit(t, v);
            var trees = ((CalibratedModelParametersBase<LightGbmBinaryModelParameters, PlattCalibrator>)binary.Model).SubModel.TrainedTreeEnsemble.Trees.Count;
            return new StoppedRounds(Math.Clamp(trees, 1, cap), cap, patience, metric == LightGbmBinaryTrainer.Options.EvaluateMetricType.Logloss ? "LogLoss" : "AUC");
        }

        var regressionMetric = primary.Name is "MAE" or "MAPE" ? LightGbmRegressionTrainer.Options.EvaluateMetricType.MeanAbsoluteError : LightGbmRegressionTrainer.Options.EvaluateMetricType.RootMeanSquaredError;
        var regression = ml.Regression.Trainers.LightGbm(new LightGbmRegressionTrainer.Options
        {
            LabelColumnName = label, FeatureColumnName = features, NumberOfIterations = cap, NumberOfLeaves = I("numberOfLeaves"), LearningRate = D("learningRate"),
            MinimumExampleCountPerLeaf = I("minimumExampleCountPerLeaf"), EarlyStoppingRound = patience, EvaluationMetric = regressionMetric,
        }).Fit(t, v);
        int count = regression.Model.TrainedTreeEnsemble.Trees.Count;
        return new StoppedRounds(Math.Clamp(count, 1, cap), cap, patience, regressionMetric == LightGbmRegressionTrainer.Options.EvaluateMetricType.MeanAbsoluteError ? "MAE" : "RMSE");
    }
}
