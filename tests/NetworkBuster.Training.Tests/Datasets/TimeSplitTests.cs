using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using NetworkBuster.Training.Datasets;
using NetworkBuster.Training.Evaluation;
using NetworkBuster.Training.Jobs;
using NetworkBuster.Training.Presets;
using NetworkBuster.Training.Steps;
using NetworkBuster.Training.Tests.Infrastructure;

namespace NetworkBuster.Training.Tests.Datasets;

/// <summary>Time splits never look ahead: test rows are the newest, and lags come only from earlier readings.</summary>
[Trait("Tier", "Integration")]
public class TimeSplitTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    [Fact]
    public async Task Ingest_CustomTimeSplitOnShuffledRows_EveryTestRowIsNewerThanEveryTrainRow()
    {
        var random = new Random(3);
        var hours = Enumerable.Range(0, 500).OrderBy(_ => random.Next()).ToList();
        var csv = new StringBuilder("hour_index,when,y\n");
        foreach (int h in hours)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{h},{new DateTime(2025, 3, 1, 0, 0, 0, DateTimeKind.Utc).AddHours(h):yyyy-MM-dd HH:mm:ss},{h % 7}\n");
        }

        var dataset = await TestData.UploadTextAsync(azurite.Storage, csv.ToString(), "custom");
        var job = JobMessageParser.Parse(
            JsonSerializer.Serialize(new { jobId = TestData.Unique("time"), model = "time-split-check", dataset, spec = new { task = "regression", label = "y", features = new object[] { new { name = "hour_index", type = "numeric" } }, split = new { kind = "time", column = "when", test = 0.2, validation = 0.1 } } }),
            "m").Job!;
        using var services = Pipeline.Services(azurite.ConnectionString);
        var snapshots = services.GetRequiredService<SnapshotStore>();

        var output = await services.GetRequiredService<DatasetIngestor>().IngestAsync(job, CancellationToken.None);

        var manifest = await snapshots.GetManifestAsync(output.SnapshotPrefix, CancellationToken.None);
        var folder = snapshots.LocalFolder(job.JobId);
        var hoursOf = new Dictionary<string, List<float>>();
        foreach (var split in new[] { SplitName.Train, SplitName.Validation, SplitName.Test })
        {
            var view = await snapshots.OpenAsync(output.SnapshotPrefix, manifest, split, folder, CancellationToken.None);
            var rows = RowArrays.Load(view.Path, manifest.Schema, manifest.Rows[split], int.MaxValue);
            hoursOf[split] = [.. rows.Numbers.Select(r => r[rows.Locate("hour_index").Index])];
        }

        Assert.Equal((350, 50, 100), (hoursOf[SplitName.Train].Count, hoursOf[SplitName.Validation].Count, hoursOf[SplitName.Test].Count));
        Assert.True(hoursOf[SplitName.Train].Max() < hoursOf[SplitName.Validation].Min());
        Assert.True(hoursOf[SplitName.Validation].Max() < hoursOf[SplitName.Test].Min());
        Assert.Equal(400, hoursOf[SplitName.Test].Min());
        Assert.StartsWith("2025-03-17T16:00:00", manifest.Notes!["testFrom"], StringComparison.Ordinal);
    }

    [Fact]
    public void SustainabilityShaper_ReadingsOutOfOrder_LagsComeOnlyFromEarlierReadings()
    {
        var shaper = new SustainabilityShaper();
        var sink = new ListSink();
        var start = new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var order = Enumerable.Range(0, 60).Reverse().ToList();
        shaper.Start(SustainabilityShaper.Header, []);
        foreach (int h in order)
        {
            Assert.Null(shaper.Accept([start.AddHours(h).ToString("O", CultureInfo.InvariantCulture), (100 + h).ToString(CultureInfo.InvariantCulture), "1", "50", "20", "100"], sink));
        }

        shaper.Complete(sink);

        var names = SustainabilityShaper.Schema.NumberColumns.Select(c => c.Name).ToList();
        float Feature(float[] row, string name) => row[1 + names.IndexOf(name)];
        Assert.Equal(Enumerable.Range(0, 60).Select(h => 100f + h), sink.Rows.Select(r => r[0]));
        Assert.True(float.IsNaN(Feature(sink.Rows[0], "energy_lag_1")));
        Assert.Equal(Enumerable.Range(1, 59).Select(h => 99f + h), sink.Rows.Skip(1).Select(r => Feature(r, "energy_lag_1")));
        Assert.True(float.IsNaN(Feature(sink.Rows[23], "energy_lag_1d")));
        Assert.Equal(100f, Feature(sink.Rows[24], "energy_lag_1d"));
        
        // Strictly inside the past day: hours 25..47, not hour 24 (exactly a day ago) and not hour 48 itself.
        Assert.Equal(Enumerable.Range(25, 23).Average(h => 100f + h), Feature(sink.Rows[48], "energy_mean_1d"), 3);
        Assert.True(sink.Keys.Zip(sink.Keys.Skip(1)).All(p => p.First < p.Second));
    }

    private sealed class ListSink : IShapedRowSink
    {
        public List<float[]> Rows { get; } = [];

        public List<double> Keys { get; } = [];

        public void Emit(ReadOnlySpan<float> numbers, string[] strings, double orderKey, string? split = null)
        {
            Rows.Add(numbers.ToArray());
            Keys.Add(orderKey);
        }
    }
}
