using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text.Json;
using NetworkBuster.Training.Runs;
using NetworkBuster.Training.Telemetry;
using NetworkBuster.Training.Tests.Infrastructure;

namespace NetworkBuster.Training.Tests.Telemetry;

[Trait("Tier", "Integration")]
public class TrainingTelemetryTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    [Fact]
    public async Task Run_RecordsStepDurationsRowsAndPrimaryMetric_ForItsModel()
    {
        var model = TestData.Unique("telemetry");
        var measurements = new ConcurrentBag<(string Instrument, double Value, Dictionary<string, object?> Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == TrainingTelemetry.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((i, v, tags, _) => measurements.Add((i.Name, v, ToDictionary(tags))));
        listener.SetMeasurementEventCallback<long>((i, v, tags, _) => measurements.Add((i.Name, v, ToDictionary(tags))));
        listener.Start();
        var dataset = await TestData.UploadPerformanceAsync(azurite.Storage, rows: 600);
        using var host = await Pipeline.StartHostAsync(azurite.ConnectionString);

        var jobId = TestData.Unique("telemetry-job");
        await azurite.Storage.JobsQueue.SendMessageAsync(JsonSerializer.Serialize(new { jobId, model, dataset, trainer = "fasttree", spec = new { task = "regression", label = "response_time_ms" } }));
        var run = await new RunStore(azurite.Storage).WaitAsync(jobId, TimeSpan.FromMinutes(2));

        Assert.Equal(RunStatus.Succeeded, run.Status);
        var mine = measurements.Where(m => Equals(m.Tags.GetValueOrDefault("model"), model)).ToList();
        Assert.Equal(["evaluate", "ingest", "register", "train"], mine.Where(m => m.Instrument == "nbtraining.step.duration").Select(m => (string)m.Tags["step"]!).Order());
        Assert.All(mine.Where(m => m.Instrument == "nbtraining.step.duration"), m => Assert.True(m.Value > 0));
        Assert.Equal(600, Assert.Single(mine, m => m.Instrument == "nbtraining.rows").Value);
        Assert.Equal(run.PrimaryMetricValue!.Value, Assert.Single(mine, m => m.Instrument == "nbtraining.model.primary_metric").Value, 6);
        Assert.Contains(measurements, m => m.Instrument == "nbtraining.runs" && Equals(m.Tags["status"], RunStatus.Succeeded));
    }

    private static Dictionary<string, object?> ToDictionary(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var result = new Dictionary<string, object?>();
        foreach (var tag in tags)
        {
            result[tag.Key] = tag.Value;
        }

        return result;
    }
}
