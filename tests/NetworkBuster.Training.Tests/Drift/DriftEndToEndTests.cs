using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using NetworkBuster.Training.Notifications;
using NetworkBuster.Training.Registry;
using NetworkBuster.Training.Runs;
using NetworkBuster.Training.Tests.Infrastructure;

namespace NetworkBuster.Training.Tests.Drift;

/// <summary>
/// Jobs through the queue: the first version keeps <c>profile.json</c>; a later dataset with one feature shifted is
/// flagged on its run row, its version's <c>Drift</c>, <c>metadata.json</c>, report and a webhook; an unshifted one is not.
/// </summary>
[Trait("Tier", "Integration")]
public class DriftEndToEndTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private const string Model = "drift-custom";

    // x0 ~ U(-1, 1), x1 ~ N(shift, 1), device in {phone, tablet}; y = 3·x0 + 2·x1 + noise.
    private static string Csv(int rows, int seed, double shift = 0)
    {
        var random = new Random(seed);
        var csv = new StringBuilder("x0,x1,device,y\n");
        for (int i = 0; i < rows; i++)
        {
            double x0 = (random.NextDouble() * 2) - 1;
            double x1 = shift + (Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
            csv.Append(CultureInfo.InvariantCulture, $"{x0:0.####},{x1:0.####},{(random.NextDouble() < 0.3 ? "tablet" : "phone")},{(3 * x0) + (2 * x1) + random.NextDouble():0.####}\n");
        }

        return csv.ToString();
    }

    private static object Job(string jobId, string dataset, string promotion) =>
        new { jobId, model = Model, dataset, trainer = "fasttree", hyperparameters = new { numberOfTrees = 30 }, promotion, spec = new { task = "regression", label = "y", seed = 1 } };

    [Fact]
    public async Task ShiftedFeature_IsFlaggedOnTheRunTheVersionItsReportAndAWebhook_UnshiftedIsNot()
    {
        using var webhook = new WebhookListener();
        using var host = await Pipeline.StartHostAsync(azurite.ConnectionString, new Dictionary<string, string?> { ["Training:Notifications:WebhookUrl"] = webhook.Url });
        var (first, same, shifted) = (TestData.Unique("drift-base"), TestData.Unique("drift-same"), TestData.Unique("drift-shift"));

        var v1 = await JobRunner.RunAsync(azurite, Model, Job(first, await TestData.UploadTextAsync(azurite.Storage, Csv(1500, seed: 1), "custom"), "auto"), first);
        Assert.True(await azurite.Storage.Models.GetBlobClient(ModelVersionRow.ProfileBlobOf(Model, v1.Version)).ExistsAsync());
        Assert.Null(v1.Drift);

        // Both later versions are compared with v1 (promotion never keeps v1 current).
        var sameBlob = await TestData.UploadTextAsync(azurite.Storage, Csv(1500, seed: 2), "custom");
        var unshifted = await JobRunner.RunAsync(azurite, Model, Job(same, sameBlob, "never"), same);
        var quiet = JsonDocument.Parse(unshifted.Drift!).RootElement;
        Assert.Equal(("none", v1.Version), (quiet.GetProperty("level").GetString(), quiet.GetProperty("referenceVersion").GetInt32()));
        Assert.True(quiet.GetProperty("maxPsi").GetDouble() < 0.1, unshifted.Drift);

        var drifted = await JobRunner.RunAsync(azurite, Model, Job(shifted, await TestData.UploadTextAsync(azurite.Storage, Csv(1500, seed: 3, shift: 1.0), "custom"), "never"), shifted);
        var loud = JsonDocument.Parse(drifted.Drift!).RootElement;
        Assert.Equal(("major", "x1"), (loud.GetProperty("level").GetString(), loud.GetProperty("top")[0].GetProperty("feature").GetString()));
        Assert.True(loud.GetProperty("maxPsi").GetDouble() >= 0.25, drifted.Drift);
        Assert.Equal(drifted.Drift, (await new RunStore(azurite.Storage).GetAsync(shifted))!.Drift);

        var metadata = await JobRunner.MetadataAsync(azurite, drifted);
        var features = metadata.GetProperty("drift").GetProperty("features");
        Assert.Equal("x1", features[0].GetProperty("feature").GetString());
        Assert.True(features[0].GetProperty("ks").GetDouble() > 0.2);
        var report = (await azurite.Storage.Models.GetBlobClient(ModelVersionRow.ReportBlobOf(Model, drifted.Version)).DownloadContentAsync()).Value.Content.ToString();
        Assert.Contains("<table id=\"drift\">", report, StringComparison.Ordinal);
        Assert.Contains("(major)", report, StringComparison.Ordinal);

        var events = await webhook.WaitAsync(r => r.Any(e => e.Body.Contains(TrainingEventTypes.DriftMajor, StringComparison.Ordinal)), TimeSpan.FromSeconds(30));
        var major = events.Select(e => JsonDocument.Parse(e.Body).RootElement).Where(e => e.GetProperty("type").GetString() == TrainingEventTypes.DriftMajor).ToList();
        var data = Assert.Single(major).GetProperty("data");
        Assert.Equal((shifted, "x1"), (data.GetProperty("jobId").GetString(), data.GetProperty("drift").GetProperty("features")[0].GetProperty("feature").GetString()));
        Assert.All(events.Where(e => e.Answer == HttpStatusCode.OK), e => Assert.DoesNotContain($"{same}/drift", e.Body, StringComparison.Ordinal));

        // nbtrain drift, without training: a local CSV (shifted, without its label column) and a dataset blob (unshifted).
        var local = Path.Combine(Directory.CreateTempSubdirectory("nbtest-drift-").FullName, "new.csv");
        await File.WriteAllLinesAsync(local, Csv(800, seed: 4, shift: 1.0).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l[..l.LastIndexOf(',')]));
        var json = await Nbtrain.RunAsync("drift", $"{Model}:{v1.Version}", local, "--json", "--connection", azurite.ConnectionString);
        Assert.True(json.ExitCode == 0, json.ToString());
        var checkedLocal = JsonDocument.Parse(json.Output).RootElement.GetProperty("report");
        Assert.Equal(("major", "x1", 3), (checkedLocal.GetProperty("level").GetString(), checkedLocal.GetProperty("features")[0].GetProperty("feature").GetString(), checkedLocal.GetProperty("featuresCompared").GetInt32()));
        Assert.Equal(JsonValueKind.Null, checkedLocal.GetProperty("label").ValueKind);
        var text = await Nbtrain.RunAsync("drift", Model, sameBlob, "--connection", azurite.ConnectionString);
        Assert.True(text.ExitCode == 0, text.ToString());
        Assert.Contains("(none)", text.Output, StringComparison.Ordinal);
        Assert.Contains("device", text.Output, StringComparison.Ordinal);
        var missing = await Nbtrain.RunAsync("drift", Model, "custom/no-such.csv", "--connection", azurite.ConnectionString);
        Assert.Equal(3, missing.ExitCode);
        Assert.Contains("Expected a local CSV file or a blob", missing.Error + missing.Output, StringComparison.Ordinal);
    }
}
