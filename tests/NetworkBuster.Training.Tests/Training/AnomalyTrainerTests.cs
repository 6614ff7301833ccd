using NetworkBuster.Training.Contracts;
using NetworkBuster.Training.Datasets;
using NetworkBuster.Training.Metrics;
using NetworkBuster.Training.Tests.Infrastructure;
using NetworkBuster.Training.Training;

namespace NetworkBuster.Training.Tests.Training;

/// <summary>The pca anomaly model, fitted by real ML.NET on snapshot files (no storage), and its metrics.</summary>
public sealed class AnomalyTrainerTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "nbtrain-anomaly-tests", Guid.NewGuid().ToString("N"));

    public AnomalyTrainerTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static SnapshotSchema Schema(bool labeled) =>
        new(ModelTask.Anomaly, labeled ? "is_anomaly" : TabularSpec.NoLabel, [.. AnomalyData.Features.Select(f => new SnapshotColumn(f, SnapshotColumnKind.Number, f))]);

    private RowFileDataView Snapshot(string name, SnapshotSchema schema, List<AnomalyData.Row> rows)
    {
        var path = Path.Combine(_folder, name + ".rows");
        using (var file = File.Create(path))
        using (var writer = new RowFile.Writer(file, 1 + AnomalyData.Features.Length, 0))
        {
            foreach (var row in rows)
            {
                writer.Write([schema.HasLabel && row.IsAnomaly ? 1 : 0, .. row.Values.Select(v => (float)v)], []);
            }
        }

        return new RowFileDataView(path, schema, rows.Count);
    }

    [Fact]
    public void Fit_LabelledRows_ScoresPlantedAnomaliesAboveNormalRowsAndChoosesItsThresholdOnValidation()
    {
        var schema = Schema(labeled: true);
        var rows = AnomalyData.Rows(3000, 0.02, seed: 1);
        var (train, validation, test) = (Snapshot("train", schema, rows[..2100]), Snapshot("validation", schema, rows[2100..2400]), Snapshot("test", schema, rows[2400..]));
        var all = Snapshot("all", schema, rows[..2400]);

        var fit = AnomalyTrainer.Fit(ModelContext.Create(3), schema, train, validation, all, new Dictionary<string, double>());

        var scored = AnomalyMetrics.Read(fit.Model.Transform(test));
        var metrics = AnomalyMetrics.Compute(scored);
        Assert.True(metrics["AUC"] >= 0.9, $"AUC {metrics["AUC"]}");
        // ML.NET's score is the residual's share of the row's distance from the mean, so the few normal rows very near
        // the mean (where the noise is most of that distance) outrank some anomalies: 20 times the 2% of chance.
        Assert.True(metrics["PrecisionAtK"] >= 0.4, $"precision@{metrics["TopK"]} {metrics["PrecisionAtK"]} AUC {metrics["AUC"]}");
        Assert.Equal(scored.Count(s => s.Label), metrics["TopK"]);
        Assert.StartsWith("f1 on 300 validation rows", fit.ThresholdSource, StringComparison.Ordinal);
        Assert.Equal(2, fit.Hyperparameters["rank"]);
        var atThreshold = AnomalyMetrics.At(scored, fit.Threshold);
        Assert.True(atThreshold["DetectionRate"] >= 0.3 && atThreshold["AnomalyRate"] is > 0.01 and < 0.06, $"threshold {fit.Threshold}: {string.Join(", ", atThreshold)}");
    }

    [Fact]
    public void Fit_UnlabeledRows_FlagsTheContaminationShareOfTrainingRows()
    {
        var schema = Schema(labeled: false);
        var rows = AnomalyData.Rows(2000, 0.02, seed: 2);
        var all = Snapshot("all", schema, rows);

        var fit = AnomalyTrainer.Fit(ModelContext.Create(3), schema, all, Snapshot("validation", schema, []), all, new Dictionary<string, double> { ["contamination"] = 0.05, ["rank"] = 2 });

        var flagged = AnomalyMetrics.Read(fit.Model.Transform(all)).Count(s => s.Score >= fit.Threshold);
        Assert.InRange(flagged, 100, 105);
        Assert.StartsWith("contamination 0.05: the 0.95 quantile of 2,000 training rows' scores", fit.ThresholdSource, StringComparison.Ordinal);
        Assert.Equal(2, fit.Hyperparameters["rank"]);
    }

    [Fact]
    public void Fit_RankNotBelowTheFeatureCount_IsRefusedNamingTheCount()
    {
        var schema = Schema(labeled: false);
        var all = Snapshot("all", schema, AnomalyData.Rows(200, 0.02, seed: 3));

        var error = Assert.Throws<TrainingException>(() => AnomalyTrainer.Fit(ModelContext.Create(3), schema, all, all, all, new Dictionary<string, double> { ["rank"] = 6 }));

        Assert.Equal(ErrorCode.InvalidHyperparameter, error.Code);
        Assert.Contains("must be below the 6 feature values per row", error.Message, StringComparison.Ordinal);
        Assert.Contains("found 6", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compute_ScoresWithTies_GivesMannWhitneyAucAndPrecisionAtTheKnownCount()
    {
        (bool, float)[] rows = [(true, 0.9f), (false, 0.8f), (true, 0.5f), (false, 0.5f), (false, 0.1f)];

        var metrics = AnomalyMetrics.Compute(rows);

        // Pairs (anomaly above normal): 0.9 beats all 3; 0.5 beats 0.1, ties 0.5 (half) → (3 + 1.5) / 6.
        Assert.Equal(0.75, metrics["AUC"]);
        Assert.Equal(2, metrics["TopK"]);
        Assert.Equal(0.5, metrics["PrecisionAtK"]);
    }

    [Fact]
    public void At_Threshold_CountsFlaggedRowsAndDetections()
    {
        (bool, float)[] rows = [(true, 0.9f), (false, 0.8f), (true, 0.5f), (false, 0.5f), (false, 0.1f)];

        var metrics = AnomalyMetrics.At(rows, 0.8);

        Assert.Equal(0.4, metrics["AnomalyRate"]);
        Assert.Equal(0.5, metrics["DetectionRate"]);
        Assert.Equal(0.5, metrics["Precision"]);
        Assert.Equal(1.0 / 3, metrics["FalsePositiveRate"], 6);
    }

    [Fact]
    public void ContaminationThreshold_OnePercent_FlagsOneRowInAHundred()
    {
        var scores = Enumerable.Range(1, 200).Select(i => (float)i).ToList();

        double threshold = AnomalyMetrics.ContaminationThreshold(scores, 0.01);

        Assert.Equal(2, scores.Count(s => s >= threshold));
    }
}
