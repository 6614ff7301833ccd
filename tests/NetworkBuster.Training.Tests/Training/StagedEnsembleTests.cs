using Microsoft.ML;
using Microsoft.ML.Data;
using NetworkBuster.Training.Contracts;
using NetworkBuster.Training.Datasets;
using NetworkBuster.Training.Metrics;
using NetworkBuster.Training.Training;

namespace NetworkBuster.Training.Tests.Training;

/// <summary>
/// Early stopping replays a fitted booster's trees round by round; these pin that the replay is the model itself
/// (all rounds give exactly ML.NET's scores) and that the chosen round is where the validation metric is best.
/// </summary>
public class StagedEnsembleTests
{
    [Theory]
    [InlineData("lightgbm", ModelTask.Regression)]
    [InlineData("fasttree", ModelTask.Regression)]
    [InlineData("lightgbm", ModelTask.Binary)]
    [InlineData("fasttree", ModelTask.Binary)]
    public void Scores_AllRounds_EqualTheModelsOwnScores(string trainerName, ModelTask task)
    {
        var ml = new MLContext(1);
        var (train, validation) = (Rows(ml, 600, task, seed: 1), Rows(ml, 200, task, seed: 2));
        var trainer = TrainerCatalog.All.First(t => t.Name == trainerName);
        var hyperparameters = new Dictionary<string, double>(TrainerFactory.Effective(trainer, new Dictionary<string, double>())) { ["numberOfTrees"] = 30 };
        var model = TrainerFactory.Trainer(ml, task, trainer, hyperparameters).Fit(train);

        var replayed = StagedEnsemble.Read(validation).Scores(EarlyStopping.EnsembleOf(model));

        var own = model.Transform(validation).GetColumn<float>("Score").ToArray();
        Assert.Equal(own.Length, replayed.Length);
        Assert.All(own.Zip(replayed), p => Assert.Equal(p.First, p.Second, 1e-3));
    }

    [Fact]
    public void Best_OverfittingBooster_StopsBeforeTheLastRoundAtTheLowestValidationError()
    {
        var ml = new MLContext(1);
        var (train, validation) = (Rows(ml, 300, ModelTask.Regression, seed: 3, noise: 3), Rows(ml, 300, ModelTask.Regression, seed: 4, noise: 3));
        var hyperparameters = new Dictionary<string, double>(TrainerFactory.Effective(TrainerCatalog.FastTree, new Dictionary<string, double>()))
        {
            ["numberOfTrees"] = 400, ["learningRate"] = 0.5, ["minimumExampleCountPerLeaf"] = 2,
        };
        var ensemble = EarlyStopping.EnsembleOf(TrainerFactory.Trainer(ml, ModelTask.Regression, TrainerCatalog.FastTree, hyperparameters).Fit(train));
        var staged = StagedEnsemble.Read(validation);

        var curve = staged.Curve(ensemble, ModelTask.Regression, MetricCatalog.Rmse);
        var best = staged.Best(ensemble, ModelTask.Regression, MetricCatalog.Rmse);

        Assert.Equal(400, curve.Length);
        Assert.InRange(best.Rounds, 1, 399);
        Assert.Equal(curve.Min(), best.Value, 9);
        Assert.Equal(curve[best.Rounds - 1], best.Value, 9);
        Assert.True(curve[^1] > best.Value * 1.05, $"last round {curve[^1]} vs best {best.Value}: the booster should overfit with a 0.5 rate");
    }

    private static IDataView Rows(MLContext ml, int count, ModelTask task, int seed, double noise = 0.5)
    {
        var random = new Random(seed);
        var rows = Enumerable.Range(0, count).Select(_ =>
        {
            var x = new[] { (float)random.NextDouble(), (float)random.NextDouble(), (float)random.NextDouble() };
            double y = (4 * x[0]) + (2 * x[1] * x[2]) + (noise * (random.NextDouble() - 0.5));
            return new Row { Features = x, Label = task == ModelTask.Binary ? (y > 2.2 ? 1 : 0) : (float)y };
        }).ToList();
        var view = ml.Data.LoadFromEnumerable(rows);
        return task == ModelTask.Binary
            ? ml.Transforms.Conversion.ConvertType(SnapshotSchema.LabelColumn, SnapshotSchema.LabelColumn, DataKind.Boolean).Fit(view).Transform(view)
            : view;
    }

    private sealed class Row
    {
        [ColumnName(TrainerFactory.FeaturesColumn)]
        [VectorType(3)]
        public float[] Features { get; set; } = [];

        [ColumnName(SnapshotSchema.LabelColumn)]
        public float Label { get; set; }
    }
}
