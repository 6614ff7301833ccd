using System.Globalization;
using System.Text;
using System.Text.Json;
using NetworkBuster.Training.Contracts;
using NetworkBuster.Training.Registry;
using NetworkBuster.Training.Runs;
using NetworkBuster.Training.Scoring;
using NetworkBuster.Training.Tests.Infrastructure;

namespace NetworkBuster.Training.Tests.Hosting;

/// <summary>
/// Anomaly models (<c>spec.task</c> anomaly, trainer pca) through the queue and the local host: with known anomalies
/// the version is measured and gated by AUC; without, it is promoted and says why, and predict flags by its threshold.
/// </summary>
[Trait("Tier", "Integration")]
public class AnomalyEndToEndTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    [Fact]
    public async Task LabelledAnomalyJob_RegistersAucPrecisionAtKAndAThresholdChosenOnValidation()
    {
        var dataset = await TestData.UploadTextAsync(azurite.Storage, AnomalyData.Csv(AnomalyData.Rows(3000, 0.02, seed: 11), withLabel: true), "sensors");
        var jobId = TestData.Unique("anomaly-labelled");
        using var host = await Pipeline.StartHostAsync(azurite.ConnectionString);

        var row = await JobRunner.RunAsync(azurite, "sensors-labelled", new { jobId, model = "sensors-labelled", dataset, spec = new { task = "anomaly", label = "is_anomaly", seed = 5 } }, jobId);

        var metrics = JobRunner.Metrics(row);
        Assert.Equal("pca", row.Trainer);
        Assert.Equal("AUC", row.PrimaryMetric);
        Assert.True(metrics["AUC"] >= 0.9, $"AUC {metrics["AUC"]}");
        Assert.True(metrics["PrecisionAtK"] > 0.2, $"precision@{metrics["TopK"]} {metrics["PrecisionAtK"]}");
        Assert.Equal(metrics["KnownAnomalies"], metrics["TopK"]);
        Assert.Contains("DetectionRate", metrics.Keys);
        Assert.Equal(metrics["TruePositives"] + metrics["FalseNegatives"], metrics["KnownAnomalies"]);
        Assert.True(row.IsCurrent, row.StatusReason);
        Assert.StartsWith("first version: AUC", row.StatusReason, StringComparison.Ordinal);
        Assert.NotNull(row.DecisionThreshold);
        Assert.Equal(Math.Round(row.DecisionThreshold!.Value, 6), metrics["DecisionThreshold"]);
        Assert.DoesNotContain("is_anomaly", row.InputSchema!.Split("\"features\"")[1], StringComparison.Ordinal);
        var hyperparameters = JsonSerializer.Deserialize<Dictionary<string, double>>(row.Hyperparameters!)!;
        Assert.Equal(2, hyperparameters["rank"]);
        var metadata = await JobRunner.MetadataAsync(azurite, row);
        Assert.StartsWith("f1 on", metadata.GetProperty("decisionThreshold").GetProperty("source").GetString(), StringComparison.Ordinal);
        Assert.Equal(0.5, JobRunner.Baselines(row)["AUC.random"]);
        var report = (await azurite.Storage.Models.GetBlobClient(ModelVersionRow.ReportBlobOf(row.Model, row.Version)).DownloadContentAsync()).Value.Content.ToString();
        Assert.Contains("data-chart=\"scores\"", report, StringComparison.Ordinal);
        Assert.Contains("data-chart=\"roc\"", report, StringComparison.Ordinal);
        Console.WriteLine($"labelled anomaly: AUC {metrics["AUC"]}, precision@{metrics["TopK"]} {metrics["PrecisionAtK"]}, detection rate {metrics["DetectionRate"]}, flagged {metrics["AnomalyRate"]}, threshold {row.DecisionThreshold}, {row.TrainingSeconds}s");
    }

    [Fact]
    public async Task UnlabeledAnomalyJob_IsPromotedSayingWhy_AndPredictFlagsAboutTheContaminationShare()
    {
        var dataset = await TestData.UploadTextAsync(azurite.Storage, AnomalyData.Csv(AnomalyData.Rows(3000, 0.02, seed: 12), withLabel: false), "sensors");
        var (first, second) = (TestData.Unique("anomaly-unlabeled"), TestData.Unique("anomaly-unlabeled"));
        using var host = await Pipeline.StartHostAsync(azurite.ConnectionString);
        object Message(string jobId, string data) => new { jobId, model = "sensors-unlabeled", dataset = data, spec = new { task = "anomaly" } };

        var row = await JobRunner.RunAsync(azurite, "sensors-unlabeled", Message(first, dataset), first);

        var metrics = JobRunner.Metrics(row);
        Assert.True(row.IsCurrent);
        Assert.Equal("no labelled anomalies: promoted without a held-out comparison", row.StatusReason);
        Assert.Equal("AnomalyRate", row.PrimaryMetric);
        Assert.DoesNotContain("AUC", metrics.Keys);
        Assert.Contains("MeanScore", metrics.Keys);
        var metadata = await JobRunner.MetadataAsync(azurite, row);
        Assert.StartsWith("contamination 0.01: the 0.99 quantile of", metadata.GetProperty("decisionThreshold").GetProperty("source").GetString(), StringComparison.Ordinal);
        var report = (await azurite.Storage.Models.GetBlobClient(ModelVersionRow.ReportBlobOf(row.Model, row.Version)).DownloadContentAsync()).Value.Content.ToString();
        Assert.Contains("data-chart=\"scores\"", report, StringComparison.Ordinal);
        Assert.DoesNotContain("data-chart=\"roc\"", report, StringComparison.Ordinal);
        Assert.Contains("no labelled anomalies", report, StringComparison.Ordinal);

        // Held-out rows from the same sensors: the planted anomalies score higher, and about 1% of rows are flagged.
        var heldOut = AnomalyData.Rows(2000, 0.02, seed: 13);
        using var output = new StringWriter();
        var summary = await new BatchScorer(new ModelRegistry(azurite.Storage), new ModelStore(azurite.Storage))
            .ScoreAsync(new ModelVersionRef("sensors-unlabeled", null), new MemoryStream(Encoding.UTF8.GetBytes(AnomalyData.Csv(heldOut, withLabel: false))), output);
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var header = lines[0].Split(',');
        Assert.Equal([.. AnomalyData.Features, "Score", "Predicted"], header);
        var predictions = lines.Skip(1).Select(l => l.Split(',')).Select(c => (Score: double.Parse(c[^2], CultureInfo.InvariantCulture), Flagged: c[^1] == "true")).ToList();
        Assert.Equal(heldOut.Count, summary.Rows);
        Assert.All(predictions, p => Assert.Equal(p.Score >= row.DecisionThreshold!.Value - 1e-6, p.Flagged));
        var anomalies = predictions.Where((_, i) => heldOut[i].IsAnomaly).ToList();
        var normal = predictions.Where((_, i) => !heldOut[i].IsAnomaly).ToList();
        Assert.True(anomalies.Average(p => p.Score) > normal.Average(p => p.Score) + 0.2, $"anomalies {anomalies.Average(p => p.Score)}, normal {normal.Average(p => p.Score)}");
        double flagged = predictions.Count(p => p.Flagged) / (double)predictions.Count, normalFlagged = normal.Count(p => p.Flagged) / (double)normal.Count;
        Assert.InRange(flagged, 0.005, 0.02);
        Assert.True(normalFlagged <= 0.01, $"normal rows flagged {normalFlagged}");

        // The next version compares its data with this one's profile (no label to compare) and is promoted the same way.
        var again = await JobRunner.RunAsync(azurite, "sensors-unlabeled", Message(second, await TestData.UploadTextAsync(azurite.Storage, AnomalyData.Csv(AnomalyData.Rows(2000, 0.02, seed: 14), withLabel: false), "sensors")), second);
        Assert.True(again.IsCurrent);
        Assert.Equal(row.StatusReason, again.StatusReason);
        using var drift = JsonDocument.Parse(again.Drift!);
        Assert.Equal("none", drift.RootElement.GetProperty("level").GetString());
        Assert.False(drift.RootElement.TryGetProperty("labelPsi", out var labelPsi) && labelPsi.ValueKind == JsonValueKind.Number);
        Console.WriteLine($"unlabeled anomaly: threshold {row.DecisionThreshold}, held-out flagged {flagged:P2} (normal rows {normalFlagged:P2}, anomalies {anomalies.Count(p => p.Flagged)}/{anomalies.Count}), mean score anomalies {anomalies.Average(p => p.Score):0.###} vs normal {normal.Average(p => p.Score):0.###}");
    }

    [Fact]
    public async Task LabelledAnomalyJob_WithNoKnownAnomalies_FailsAskingForThemOrNoLabel()
    {
        var dataset = await TestData.UploadTextAsync(azurite.Storage, AnomalyData.Csv(AnomalyData.Rows(600, 0, seed: 15), withLabel: true), "sensors");
        var jobId = TestData.Unique("anomaly-none");
        using var host = await Pipeline.StartHostAsync(azurite.ConnectionString);

        await azurite.Storage.JobsQueue.SendMessageAsync(JsonSerializer.Serialize(new { jobId, model = "sensors-none", dataset, spec = new { task = "anomaly", label = "is_anomaly" } }));
        var run = await new RunStore(azurite.Storage).WaitAsync(jobId, JobRunner.RunTimeout);

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Equal(nameof(ErrorCode.InsufficientData), run.ErrorCode);
        Assert.Contains("Expected known anomalies (label 'is_anomaly' 1/true/yes)", run.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains("leave 'spec.label' out to train unlabeled", run.ErrorMessage, StringComparison.Ordinal);
    }
}
