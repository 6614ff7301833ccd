using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using NetworkBuster.Training.Cli.Samples;
using NetworkBuster.Training.Contracts;
using NetworkBuster.Training.Datasets;
using NetworkBuster.Training.Jobs;
using NetworkBuster.Training.Steps;
using NetworkBuster.Training.Tests.Infrastructure;
using NetworkBuster.Training.Training;

namespace NetworkBuster.Training.Tests.Datasets;

/// <summary>How recommendation interactions are split: per-user latest by default, or the job's random or files split.</summary>
[Trait("Tier", "Integration")]
public class RecommenderSplitTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private static string Csv(int seed)
    {
        using var stream = RecommenderSampleData.ToStream(RatingsShape.Small, seed);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static List<(string User, string Item, float Rating)> Interactions(string csv) =>
        [.. csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Split(',')).Select(f => (f[0], f[1], float.Parse(f[5], System.Globalization.CultureInfo.InvariantCulture)))];

    private async Task<(IngestOutput Output, List<(string User, string Item, float Rating)> Test)> IngestAsync(object split, string csv)
    {
        var dataset = await TestData.UploadTextAsync(azurite.Storage, csv, "content-recommender");
        var message = JsonSerializer.Serialize(new { jobId = TestData.Unique("rec-split"), model = "content-recommender", dataset, split });
        var job = JobMessageParser.Parse(message, "m").Job!;
        using var services = Pipeline.Services(azurite.ConnectionString);
        var output = await services.GetRequiredService<DatasetIngestor>().IngestAsync(job, CancellationToken.None);
        var snapshots = services.GetRequiredService<SnapshotStore>();
        var manifest = await snapshots.GetManifestAsync(output.SnapshotPrefix, CancellationToken.None);
        var folder = snapshots.LocalFolder(job.JobId);
        try
        {
            var test = await snapshots.OpenAsync(output.SnapshotPrefix, manifest, SplitName.Test, folder, CancellationToken.None);
            return (output, [.. RecommenderTrainer.Read(test.Path, manifest.Schema)]);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task FilesSplit_ScoresExactlyTheTestFile_AndNoneOfItsRowsReachTrainOrValidation()
    {
        var main = Csv(seed: 5);
        var testCsv = Csv(seed: 6);
        var testBlob = await TestData.UploadTextAsync(azurite.Storage, testCsv, "content-recommender");

        var (output, test) = await IngestAsync(new { kind = "files", test = testBlob }, main);

        var expected = Interactions(testCsv);
        Assert.Equal(expected.Count, output.TestRows);
        Assert.Equal(Interactions(main).Count, output.TrainRows + output.ValidationRows);
        Assert.True(output.ValidationRows > 0);
        Assert.Equal(expected.Order(), test.Order());
    }

    [Fact]
    public async Task RandomSplit_AssignsInteractions_ByTheJobsShares_NotEachUsersLatest()
    {
        var csv = Csv(seed: 7);

        var (output, _) = await IngestAsync(new { kind = "random", test = 0.2, validation = 0.1, seed = 3 }, csv);

        long total = output.TrainRows + output.ValidationRows + output.TestRows;
        Assert.Equal(Interactions(csv).Count, total);
        Assert.InRange(output.TestRows / (double)total, 0.17, 0.23);
        Assert.InRange(output.ValidationRows / (double)total, 0.07, 0.13);
    }
}
