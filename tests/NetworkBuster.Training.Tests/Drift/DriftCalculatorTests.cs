using NetworkBuster.Training.Contracts;
using NetworkBuster.Training.Datasets;
using NetworkBuster.Training.Drift;
using NetworkBuster.Training.Evaluation;

namespace NetworkBuster.Training.Tests.Drift;

/// <summary>PSI and KS of generated data against a training profile: a shifted feature is flagged, unshifted data is not.</summary>
public class DriftCalculatorTests
{
    private static readonly SnapshotSchema Schema = new(
        ModelTask.Regression,
        "y",
        [new SnapshotColumn("x0", SnapshotColumnKind.Number, "x0"), new SnapshotColumn("x1", SnapshotColumnKind.Number, "x1"), new SnapshotColumn("device", SnapshotColumnKind.Category, "device")]);

    private static readonly DriftOptions Thresholds = new();

    // x0 ~ U(-1, 1); x1 ~ N(shift, 1) with 2% missing; device mostly phone; y = 3·x0 + 2·x1 + noise.
    private static RowArrays Rows(int n, int seed, double x1Shift = 0, double tabletShare = 0.2)
    {
        var random = new Random(seed);
        var numbers = new float[n][];
        var strings = new string[n][];
        for (int i = 0; i < n; i++)
        {
            double x0 = (random.NextDouble() * 2) - 1;
            double x1 = x1Shift + (Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
            numbers[i] = [(float)((3 * x0) + (2 * x1) + random.NextDouble()), (float)x0, random.NextDouble() < 0.02 ? float.NaN : (float)x1];
            strings[i] = [random.NextDouble() < tabletShare ? "tablet" : random.NextDouble() < 0.1 ? "" : "phone"];
        }

        return new RowArrays(Schema, numbers, strings);
    }

    private static readonly DatasetProfile Training = ProfileBuilder.Build(Rows(5000, seed: 1));

    [Fact]
    public void Profile_KeepsQuantileBinsMomentsMissingAndCategories()
    {
        var x1 = Training.Features.Single(f => f.Name == "x1");
        Assert.Equal((FeatureProfile.Numeric, ProfileBuilder.Bins - 1, ProfileBuilder.Bins), (x1.Kind, x1.Edges!.Count, x1.Counts!.Count));
        Assert.All(x1.Counts, c => Assert.InRange(c, 470, 510));
        Assert.InRange(x1.MissingShare, 0.01, 0.03);
        Assert.InRange(x1.Mean!.Value, -0.1, 0.1);
        Assert.InRange(x1.Sd!.Value, 0.9, 1.1);
        var device = Training.Features.Single(f => f.Name == "device");
        Assert.Equal(["phone", "tablet"], device.Categories!.Keys.Order());
        Assert.InRange(device.MissingShare, 0.05, 0.11);
        Assert.Equal(5000, Training.Label.Rows);
    }

    [Fact]
    public void UnshiftedData_IsNotFlagged()
    {
        var drift = DriftCalculator.Measure(Training, Rows(3000, seed: 2), referenceVersion: 4, Thresholds);

        Assert.Equal((4, DriftReport.Levels.None, 3), (drift.ReferenceVersion, drift.Level, drift.FeaturesCompared));
        Assert.True(drift.MaxPsi < 0.05, $"max PSI {drift.MaxPsi}");
        Assert.All(drift.Features.Where(f => f.Ks is not null), f => Assert.True(f.Ks < 0.05, $"{f.Feature} KS {f.Ks}"));
        Assert.Equal(DriftReport.Levels.None, drift.Label!.Level);
    }

    [Fact]
    public void OneShiftedFeature_IsFlaggedMajor_AndOnlyIt()
    {
        var drift = DriftCalculator.Measure(Training, Rows(3000, seed: 3, x1Shift: 1.0), referenceVersion: 4, Thresholds);

        Assert.Equal(DriftReport.Levels.Major, drift.Level);
        var top = drift.Features[0];
        Assert.Equal(("x1", DriftReport.Levels.Major), (top.Feature, top.Level));
        Assert.Equal(drift.MaxPsi, top.Psi);
        Assert.InRange(top.Ks!.Value, 0.3, 0.45);
        Assert.InRange(top.NewMean!.Value - top.TrainingMean!.Value, 0.9, 1.1);
        Assert.All(drift.Features.Skip(1), f => Assert.Equal(DriftReport.Levels.None, f.Level));
        Assert.NotEqual(DriftReport.Levels.None, drift.Label!.Level);
    }

    [Fact]
    public void ShiftedCategoryMix_IsFlagged()
    {
        var drift = DriftCalculator.Measure(Training, Rows(3000, seed: 4, tabletShare: 0.6), referenceVersion: 1, Thresholds);

        Assert.Equal(("device", FeatureProfile.Categorical), (drift.Features[0].Feature, drift.Features[0].Kind));
        Assert.NotEqual(DriftReport.Levels.None, drift.Features[0].Level);
    }

    [Fact]
    public void Psi_IdenticalIsZero_AndAnEmptyBinIsFinite()
    {
        Assert.Equal(0, DriftCalculator.Psi([10, 20, 30], [1, 2, 3]), 9);
        Assert.True(double.IsFinite(DriftCalculator.Psi([10, 0, 30], [10, 10, 30])));
    }

    [Fact]
    public void Thresholds_AreSettings_AndValidated()
    {
        Assert.Equal(DriftReport.Levels.Major, new DriftOptions { ModeratePsi = 0.01, MajorPsi = 0.02 }.LevelOf(0.05));
        Assert.Contains("Training:Drift:ModeratePsi", Assert.Single(new DriftOptions { ModeratePsi = 0.3, MajorPsi = 0.2 }.Validate()), StringComparison.Ordinal);
    }

    [Fact]
    public void DriftColumn_NamesTheTopFeaturesAndTheMaximum()
    {
        var column = DriftCalculator.Measure(Training, Rows(3000, seed: 3, x1Shift: 1.0), referenceVersion: 4, Thresholds).ToColumn();

        var json = System.Text.Json.JsonDocument.Parse(column).RootElement;
        Assert.Equal(("major", 4, "x1"), (json.GetProperty("level").GetString(), json.GetProperty("referenceVersion").GetInt32(), json.GetProperty("top")[0].GetProperty("feature").GetString()));
        Assert.True(json.GetProperty("maxPsi").GetDouble() >= 0.25);
    }
}
