using System.IO.Compression;
using Microsoft.ML;
using Microsoft.ML.Data;
using NetworkBuster.Training.Contracts;
using NetworkBuster.Training.Datasets;
using NetworkBuster.Training.Training;

namespace NetworkBuster.Training.Tests.Training;

/// <summary>
/// Extra trees, this build's own trainer: the forest learns (beats the mean and a shallow forest of itself), is the
/// same for a seed whatever the threads, and survives <c>model.zip</c> exactly (the forest entry, hashed with the
/// model); a zip whose forest is missing or damaged is refused with a plain message.
/// </summary>
public class ExtraTreesTests
{
    [Fact]
    public void Fit_SmoothFunction_PredictsHeldOutRowsFarBetterThanTheMean()
    {
        var (train, test) = (Data(2000, seed: 1), Data(500, seed: 2));
        var forest = ExtraTrees.Fit(Columns(train.X), train.Y, new ExtraTreesOptions(50, 2, 1, Seed: 7, Threads: 2));

        double rmse = Rmse(test, row => forest.Predict(row));
        double mean = train.Y.Average();
        double baseline = Rmse(test, _ => (float)mean);

        Assert.True(rmse < baseline * 0.25, $"forest RMSE {rmse:F3} against the mean's {baseline:F3}");
        Assert.Equal(50, forest.TreeCount);
    }

    [Fact]
    public void Fit_SameSeed_SameForestWhateverTheThreadCount()
    {
        var train = Data(500, seed: 3);
        var one = ExtraTrees.Fit(Columns(train.X), train.Y, new ExtraTreesOptions(20, 2, 1, Seed: 5, Threads: 1));
        var two = ExtraTrees.Fit(Columns(train.X), train.Y, new ExtraTreesOptions(20, 2, 1, Seed: 5, Threads: 2));
        var other = ExtraTrees.Fit(Columns(train.X), train.Y, new ExtraTreesOptions(20, 2, 1, Seed: 6, Threads: 2));

        Assert.Equal(Bytes(one), Bytes(two));
        Assert.NotEqual(Bytes(one), Bytes(other));
    }

    [Fact]
    public void Fit_MissingValues_GoLeftInFittingAndPrediction()
    {
        // y is 10 where x is missing, else x: a forest that routes NaN consistently learns the missing rows' value.
        var random = new Random(4);
        var x = Enumerable.Range(0, 400).Select(i => i % 4 == 0 ? float.NaN : (float)random.NextDouble()).ToArray();
        var y = x.Select(v => float.IsNaN(v) ? 10f : v).ToArray();
        var forest = ExtraTrees.Fit([x], y, new ExtraTreesOptions(30, 1, 1, Seed: 1));

        Assert.Equal(10f, forest.Predict([float.NaN]), 2);
        Assert.InRange(forest.Predict([0.5f]), 0.3f, 0.7f);
    }

    [Fact]
    public void ReadWrite_RoundTrip_PredictsExactlyTheSame()
    {
        var train = Data(800, seed: 8);
        var forest = ExtraTrees.Fit(Columns(train.X), train.Y, new ExtraTreesOptions(10, 2, 1, Seed: 2));
        using var stream = new MemoryStream(Bytes(forest));

        var read = ExtraTrees.Read(stream);

        Assert.Equal(forest.NodeCount, read.NodeCount);
        Assert.All(Data(100, seed: 9).X, row => Assert.Equal(forest.Predict(row), read.Predict(row)));
    }

    [Fact]
    public void Read_TruncatedOrDamagedForest_IsRefusedWithAPlainMessage()
    {
        var bytes = Bytes(ExtraTrees.Fit(Columns(Data(200, seed: 1).X), Data(200, seed: 1).Y, new ExtraTreesOptions(3, 2, 1, Seed: 1)));

        var truncated = Assert.Throws<InvalidDataException>(() => ExtraTrees.Read(new MemoryStream(bytes[..(bytes.Length / 2)])));
        var wrongVersion = (byte[])bytes.Clone();
        wrongVersion[0] = 9;
        var version = Assert.Throws<InvalidDataException>(() => ExtraTrees.Read(new MemoryStream(wrongVersion)));

        Assert.Contains("ends early", truncated.Message, StringComparison.Ordinal);
        Assert.Equal("Expected extra-trees format 1, found 9.", version.Message);
    }

    [Theory]
    [InlineData(ModelTask.Regression)]
    [InlineData(ModelTask.Binary)]
    public void SaveLoad_ThroughModelZip_ScoresExactlyAsTheFittedModel(ModelTask task)
    {
        var ml = ModelContext.Create(1);
        var (train, test) = (View(ml, Data(600, seed: 1), task), View(ml, Data(200, seed: 2), task));
        var trainer = TrainerFactory.Trainer(ml, task, TrainerCatalog.ExtraTrees, TrainerFactory.Effective(TrainerCatalog.ExtraTrees, new Dictionary<string, double> { ["numberOfTrees"] = 30 }));
        var model = trainer.Fit(train);
        using var zip = new MemoryStream();
        ModelContext.Save(ml, model, train.Schema, zip);

        var loaded = ModelContext.Load(ModelContext.Create(2), zip, out _);

        var own = model.Transform(test).GetColumn<float>("Score").ToArray();
        var again = loaded.Transform(test).GetColumn<float>("Score").ToArray();
        Assert.Equal(own, again);
        if (task == ModelTask.Binary)
        {
            var metrics = ml.BinaryClassification.Evaluate(loaded.Transform(test), SnapshotSchema.LabelColumn);
            Assert.True(metrics.AreaUnderRocCurve > 0.9, $"AUC {metrics.AreaUnderRocCurve:F3}");
            Assert.True(double.IsFinite(metrics.LogLoss), $"log-loss {metrics.LogLoss}");
        }
        else
        {
            var metrics = ml.Regression.Evaluate(loaded.Transform(test), SnapshotSchema.LabelColumn);
            Assert.True(metrics.RSquared > 0.8, $"R² {metrics.RSquared:F3}");
        }
    }

    [Fact]
    public void Load_ZipWithoutItsForest_IsRefusedNamingTheEntry()
    {
        var ml = ModelContext.Create(1);
        var train = View(ml, Data(300, seed: 1), ModelTask.Regression);
        var model = TrainerFactory.Trainer(ml, ModelTask.Regression, TrainerCatalog.ExtraTrees, new Dictionary<string, double> { ["numberOfTrees"] = 5 }).Fit(train);
        using var zip = new MemoryStream();
        ModelContext.Save(ml, model, train.Schema, zip);
        using (var archive = new ZipArchive(zip, ZipArchiveMode.Update, leaveOpen: true))
        {
            archive.GetEntry(ExtraTreesModel.ForestEntry)!.Delete();
        }

        var error = Assert.ThrowsAny<Exception>(() => ModelContext.Load(ModelContext.Create(1), zip, out _));

        Assert.Contains(ExtraTreesModel.ForestEntry, Flatten(error), StringComparison.Ordinal);
    }

    private static string Flatten(Exception error) => error.InnerException is null ? error.Message : error.Message + " | " + Flatten(error.InnerException);

    private static (float[][] X, float[] Y) Data(int count, int seed)
    {
        var random = new Random(seed);
        var x = Enumerable.Range(0, count).Select(_ => new[] { (float)random.NextDouble(), (float)random.NextDouble(), (float)random.NextDouble() }).ToArray();
        var y = x.Select(r => (float)(Math.Sin(6 * r[0]) + (2 * r[1] * r[2]))).ToArray();
        return (x, y);
    }

    private static float[][] Columns(float[][] rows) => [.. Enumerable.Range(0, rows[0].Length).Select(j => rows.Select(r => r[j]).ToArray())];

    private static double Rmse((float[][] X, float[] Y) data, Func<float[], float> predict) =>
        Math.Sqrt(data.X.Zip(data.Y).Average(p => Math.Pow(predict(p.First) - p.Second, 2)));

    private static byte[] Bytes(ExtraTrees forest)
    {
        using var stream = new MemoryStream();
        forest.Write(stream);
        return stream.ToArray();
    }

    private static IDataView View(MLContext ml, (float[][] X, float[] Y) data, ModelTask task)
    {
        double median = data.Y.Order().ElementAt(data.Y.Length / 2);
        var rows = data.X.Zip(data.Y).Select(p => new Row { Features = p.First, Label = task == ModelTask.Binary ? (p.Second > median ? 1 : 0) : p.Second }).ToList();
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
