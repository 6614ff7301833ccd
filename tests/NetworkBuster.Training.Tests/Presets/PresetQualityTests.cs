using NetworkBuster.Training.Cli.Samples;
using NetworkBuster.Training.Tests.Infrastructure;

namespace NetworkBuster.Training.Tests.Presets;

/// <summary>Each preset, end to end through the queue on generated data with a known signal, against its trivial baseline.</summary>
[Trait("Tier", "Integration")]
public class PresetQualityTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private static readonly string[] BinaryMetrics = ["Precision", "Recall", "F1", "AUCPR", "LogLoss", "TruePositives", "FalsePositives", "TrueNegatives", "FalseNegatives"];

    [Fact]
    public async Task VisitorBehavior_GeneratedSessions_BeatsMajorityAndRecordsTheFullBinaryMetricSet()
    {
        var dataset = await JobRunner.UploadAsync(azurite, "visitor-behavior-model", VisitorSampleData.ToStream(users: 700));
        var jobId = TestData.Unique("visitor");
        using var host = await Pipeline.StartHostAsync(azurite.ConnectionString);

        var row = await JobRunner.RunAsync(azurite, "visitor-behavior-model", new { jobId, model = "visitor-behavior-model", dataset, hyperparameters = new { numberOfTrees = 60, horizonDays = 7 } }, jobId);

        var metrics = JobRunner.Metrics(row);
        var baselines = JobRunner.Baselines(row);
        Assert.True(metrics["AUC"] > 0.8, $"AUC {metrics["AUC"]}");
        Assert.True(metrics["Accuracy"] > baselines["Accuracy.majority"] + 0.1, $"accuracy {metrics["Accuracy"]} vs majority {baselines["Accuracy.majority"]}");
        Assert.All(BinaryMetrics, m => Assert.Contains(m, metrics.Keys));
        Assert.Equal(row.TestRows, (long)(metrics["TruePositives"] + metrics["FalsePositives"] + metrics["TrueNegatives"] + metrics["FalseNegatives"]));
        var metadata = await JobRunner.MetadataAsync(azurite, row);
        var notes = metadata.GetProperty("insights").GetProperty("notes");
        Assert.Equal("7", notes.GetProperty("horizonDays").GetString());
        Assert.Equal(row.TrainRows + row.ValidationRows + row.TestRows, long.Parse(notes.GetProperty("users").GetString()!, System.Globalization.CultureInfo.InvariantCulture));
        var importance = metadata.GetProperty("insights").GetProperty("featureImportance").EnumerateArray().Select(f => f.GetProperty("feature").GetString()).Take(3).ToList();
        Assert.Contains(importance, f => f is "recency_days" or "sessions_7d" or "sessions_30d" or "engagement_score");
    }

    [Fact]
    public async Task Sustainability_GeneratedReadings_BeatsTheMeanWithATimeSplit()
    {
        var dataset = await JobRunner.UploadAsync(azurite, "sustainability-predictor", SustainabilitySampleData.ToStream(days: 60));
        var jobId = TestData.Unique("energy");
        using var host = await Pipeline.StartHostAsync(azurite.ConnectionString);

        var row = await JobRunner.RunAsync(azurite, "sustainability-predictor", new { jobId, model = "sustainability-predictor", dataset }, jobId);

        var metrics = JobRunner.Metrics(row);
        Assert.True(metrics["RMSE"] < 0.5 * JobRunner.Baselines(row)["RMSE.mean"], $"RMSE {metrics["RMSE"]} vs mean {JobRunner.Baselines(row)["RMSE.mean"]}");
        Assert.True(metrics["R2"] > 0.7, $"R2 {metrics["R2"]}");
        var notes = (await JobRunner.MetadataAsync(azurite, row)).GetProperty("insights").GetProperty("notes");
        Assert.StartsWith("2025-02-", notes.GetProperty("testFrom").GetString(), StringComparison.Ordinal);
        Assert.Equal("sdca", row.Trainer);
    }

    [Fact]
    public async Task PerformanceOptimizer_Report_NamesTheCacheForTheSlowestEndpointWithAPredictedDelta()
    {
        var dataset = await TestData.UploadPerformanceAsync(azurite.Storage, rows: 4000);
        var jobId = TestData.Unique("perf-report");
        using var host = await Pipeline.StartHostAsync(azurite.ConnectionString);

        var row = await JobRunner.RunAsync(azurite, "performance-optimizer", new { jobId, model = "performance-optimizer", dataset, hyperparameters = new { numberOfTrees = 100 } }, jobId);

        Assert.True(JobRunner.Metrics(row)["RMSE"] < 0.2 * JobRunner.Baselines(row)["RMSE.mean"]);
        var report = (await JobRunner.MetadataAsync(azurite, row)).GetProperty("insights").GetProperty("performanceReport");
        var endpoints = report.GetProperty("endpoints").EnumerateArray().ToList();
        Assert.Equal(5, endpoints.Count);
        var slowest = endpoints[0];
        Assert.Equal("/api/reports", slowest.GetProperty("endpoint").GetString());
        Assert.Equal("cache_hit_rate", slowest.GetProperty("bottleneck").GetString());
        var cache = slowest.GetProperty("whatIfs").EnumerateArray().Single(w => w.GetProperty("feature").GetString() == "cache_hit_rate");

        // The generator's truth: +0.1 cache cuts 6 ms + 0.06 ms per rps (mean throughput ≈ 255): about −21 ms.
        Assert.InRange(cache.GetProperty("deltaMs").GetDouble(), -30, -12);
        Assert.Contains("/api/reports", row.Bottlenecks, StringComparison.Ordinal);
        Assert.Contains("cache_hit_rate", row.FeatureImportance, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ContentRecommender_GeneratedRatings_BeatsMeanAndPopularityWithPinnedRankingMetrics()
    {
        var dataset = await JobRunner.UploadAsync(azurite, "content-recommender", RecommenderSampleData.ToStream(RatingsShape.Small, seed: 5));
        var jobId = TestData.Unique("recommender");
        using var host = await Pipeline.StartHostAsync(azurite.ConnectionString);

        var row = await JobRunner.RunAsync(azurite, "content-recommender", new { jobId, model = "content-recommender", dataset }, jobId);

        var metrics = JobRunner.Metrics(row);
        var baselines = JobRunner.Baselines(row);
        Assert.True(metrics["RMSE"] < baselines["RMSE.mean"] - 0.1, $"RMSE {metrics["RMSE"]} vs mean {baselines["RMSE.mean"]}");
        Assert.True(metrics["NDCG@10"] > baselines["NDCG@10.popularity"], $"NDCG@10 {metrics["NDCG@10"]} vs popularity {baselines["NDCG@10.popularity"]}");
        Assert.Equal((PinnedPrecision, PinnedNdcg), (metrics["Precision@10"], metrics["NDCG@10"]));
    }

    // Pinned from a run of this exact data, seed and code: a change to the split, the factorization or the ranking moves them.
    private const double PinnedPrecision = 0.146667;
    private const double PinnedNdcg = 0.254705;
}
