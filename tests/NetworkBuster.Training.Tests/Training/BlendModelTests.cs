using Microsoft.ML;
using Microsoft.ML.Data;
using NetworkBuster.Training.Contracts;
using NetworkBuster.Training.Datasets;
using NetworkBuster.Training.Training;

namespace NetworkBuster.Training.Tests.Training;

/// <summary>A blend is the weighted mean of its two members' scores, and keeps that through model.zip.</summary>
public class BlendModelTests
{
    private static readonly SnapshotSchema Schema = new(ModelTask.Regression, "y", [new("x0", SnapshotColumnKind.Number, "x0"), new("x1", SnapshotColumnKind.Number, "x1")]);

    [Fact]
    public void Fit_LightGbmAndExtraTrees_ScoresTheWeightedMeanOfTheMembersAndSurvivesTheZip()
    {
        var ml = ModelContext.Create(1);
        var (train, test) = (Rows(ml, 800, seed: 1), Rows(ml, 200, seed: 2));
        var booster = new BlendMember(TrainerCatalog.LightGbm, new Dictionary<string, double>(TrainerFactory.Effective(TrainerCatalog.LightGbm, new Dictionary<string, double>())) { ["numberOfTrees"] = 40 });
        var forest = new BlendMember(TrainerCatalog.ExtraTrees, new Dictionary<string, double> { ["numberOfTrees"] = 20 });

        var blend = BlendModel.Fit(ml, Schema, forest, booster, 0.7, train);
        using var zip = new MemoryStream();
        ModelContext.Save(ml, blend, train.Schema, zip);
        var loaded = ModelContext.Load(ModelContext.Create(3), zip, out _);

        var alone = new[] { forest, booster }
            .Select(m => TrainerFactory.Build(ml, Schema, m.Trainer, m.Hyperparameters).Fit(train).Transform(test).GetColumn<float>("Score").ToArray())
            .ToArray();
        var blended = loaded.Transform(test).GetColumn<float>("Score").ToArray();
        Assert.Equal(NumberDataViewType.Single, loaded.GetOutputSchema(test.Schema)["Score"].Type);
        Assert.All(Enumerable.Range(0, blended.Length), i => Assert.Equal((0.7 * alone[0][i]) + (0.3 * alone[1][i]), blended[i], 1e-3));
        Assert.Equal("extratrees+lightgbm", BlendModel.NameOf(forest, booster));
    }

    [Fact]
    public void Fit_NotARegressionOrNotTrees_IsRefused()
    {
        var ml = ModelContext.Create(1);
        var data = Rows(ml, 50, seed: 1);
        var forest = new BlendMember(TrainerCatalog.ExtraTrees, new Dictionary<string, double>());
        var linear = new BlendMember(TrainerCatalog.Sdca, TrainerFactory.Effective(TrainerCatalog.Sdca, new Dictionary<string, double>()));

        Assert.Throws<ArgumentException>(() => BlendModel.Fit(ml, Schema, forest, linear, 0.5, data));
        Assert.Throws<ArgumentException>(() => BlendModel.Fit(ml, Schema with { Task = ModelTask.Binary }, forest, forest, 0.5, data));
    }

    private static IDataView Rows(MLContext ml, int count, int seed)
    {
        var random = new Random(seed);
        var rows = Enumerable.Range(0, count).Select(_ =>
        {
            float x0 = (float)random.NextDouble(), x1 = (float)random.NextDouble();
            return new Row { X0 = x0, X1 = x1, Label = (float)(Math.Sin(5 * x0) + x1 + (0.1 * random.NextDouble())) };
        }).ToList();
        return ml.Data.LoadFromEnumerable(rows);
    }

    private sealed class Row
    {
        [ColumnName("x0")]
        public float X0 { get; set; }

        [ColumnName("x1")]
        public float X1 { get; set; }

        [ColumnName(SnapshotSchema.LabelColumn)]
        public float Label { get; set; }
    }
}
