using System.Globalization;
using System.Text;
using System.Text.Json;
using NetworkBuster.Training.Registry;
using NetworkBuster.Training.Cli.Samples;
using NetworkBuster.Training.Tests.Infrastructure;

namespace NetworkBuster.Training.Tests.Cli;

/// <summary>
/// Online scoring over real HTTP on the local host (real Azurite, the Durable engine, real ML.NET models): the predict
/// routes answer what <c>nbtrain predict</c> writes for the same rows, refuse tampered models and name bad rows.
/// </summary>
[Trait("Tier", "Integration")]
public class PredictApiTests(PredictApiTests.ChurnModel churn) : IClassFixture<PredictApiTests.ChurnModel>
{
    private LocalApiFixture Api => churn.Api;

    [Fact]
    public async Task PredictCurrentAndNamedVersion_EqualNbtrainPredictOnTheSameRows_DecidingAtTheVersionsThreshold()
    {
        var rows = ChurnRows(40, seed: 9);
        var body = JsonSerializer.Serialize(new { rows });

        var (status, current, _) = await Api.PostAsync($"api/models/{churn.Model}/predict", body);
        var (namedStatus, named, _) = await Api.PostAsync($"api/models/{churn.Model}/versions/{churn.Version}/predict", body);

        Assert.True(status == 200, current.ToString());
        Assert.Equal(200, namedStatus);
        var registered = (await new ModelRegistry(Api.Azurite.Storage).GetAsync(churn.Model, churn.Version))!;
        Assert.NotNull(registered.DecisionThreshold);
        Assert.Equal((churn.Version, registered.DecisionThreshold!.Value), (current.GetProperty("version").GetInt32(), current.GetProperty("threshold").GetDouble()));
        var predictions = current.GetProperty("predictions").EnumerateArray().ToList();
        Assert.Equal(rows.Count, predictions.Count);
        Assert.Equal(current.GetProperty("predictions").ToString(), named.GetProperty("predictions").ToString());

        var csv = Path.Combine(Path.GetTempPath(), TestData.Unique("predict") + ".csv");
        try
        {
            await File.WriteAllTextAsync(csv, ChurnCsv(rows));
            var cli = await Nbtrain.RunAsync("predict", churn.Model, csv, "-o", "-", "--connection", Api.Azurite.ConnectionString);
            Assert.True(cli.ExitCode == 0, cli.ToString());
            var lines = cli.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var header = lines[0].Split(',');
            Assert.Equal(rows.Count, lines.Length - 1);
            for (int i = 0; i < rows.Count; i++)
            {
                var cells = lines[i + 1].Split(',');
                double Cell(string name) => double.Parse(cells[^(header.Length - Array.IndexOf(header, name))], CultureInfo.InvariantCulture);
                var p = predictions[i];
                // The CSV writes six decimals.
                Assert.InRange(p.GetProperty("probability").GetDouble() - Cell("Probability"), -1e-6, 1e-6);
                Assert.InRange(p.GetProperty("score").GetDouble() - Cell("Score"), -1e-5, 1e-5);
                Assert.Equal(cells[^1] == "true", p.GetProperty("predicted").GetBoolean());
                Assert.Equal(p.GetProperty("probability").GetDouble() >= registered.DecisionThreshold.Value, p.GetProperty("predicted").GetBoolean());
            }
        }
        finally
        {
            File.Delete(csv);
        }
    }

    [Theory]
    [InlineData("""{"rows":[{"customerID":"a","tenure":3,"Contract":"Two year","MonthlyCharges":50,"TotalCharges":150,"PaymentMethod":"Card"},{"customerID":"b","tenure":"abc","Contract":"Two year","MonthlyCharges":50,"TotalCharges":150,"PaymentMethod":"Card"}]}""", "InvalidRow", "Row 1: column 'tenure' expected a finite number, found \"abc\"")]
    [InlineData("""[{"tenure":3,"Contract":"Two year","TotalCharges":150,"PaymentMethod":"Card"}]""", "InvalidRow", "Row 0: expected column 'MonthlyCharges'")]
    [InlineData("""[{"tenure":3,"Contract":{"kind":"x"},"MonthlyCharges":50,"TotalCharges":150,"PaymentMethod":"Card"}]""", "InvalidRow", "column 'Contract' expected a number, a string or null, but found an object")]
    [InlineData("""[42]""", "InvalidRow", "Row 0: expected an object of column values")]
    [InlineData("""{"rows":[]}""", "InvalidRequest", "but found no rows")]
    [InlineData("""{"data":[]}""", "InvalidRequest", "found an object without a \"rows\" array")]
    [InlineData("""tenure=3""", "InvalidRequest", "found text that is not JSON (line 1, byte ")]
    public async Task Predict_BadBody_Answers400NamingTheRowTheColumnAndTheValue(string body, string code, string named)
    {
        var (status, error, _) = await Api.PostAsync($"api/models/{churn.Model}/predict", body);

        Assert.Equal((400, code), (status, error.GetProperty("code").GetString()));
        Assert.Contains(named, error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Predict_MissingValuesAsNull_AreScoredLikeBlankCells()
    {
        var row = new Dictionary<string, object?> { ["tenure"] = 12, ["Contract"] = "One year", ["MonthlyCharges"] = 70.5, ["TotalCharges"] = null, ["PaymentMethod"] = "Card" };

        var (status, answer, _) = await Api.PostAsync($"api/models/{churn.Model}/predict", JsonSerializer.Serialize(new[] { row }));

        Assert.True(status == 200, answer.ToString());
        Assert.InRange(answer.GetProperty("predictions")[0].GetProperty("probability").GetDouble(), 0, 1);
    }

    [Fact]
    public async Task Predict_UnknownModelOrVersion_Answers404_AndABadVersionOrTop400()
    {
        const string Body = """[{"tenure":1}]""";
        var model = await Api.PostAsync("api/models/no-such-model/predict", Body);
        var version = await Api.PostAsync($"api/models/{churn.Model}/versions/999/predict", Body);
        var badVersion = await Api.PostAsync($"api/models/{churn.Model}/versions/latest/predict", Body);
        var topOnBinary = await Api.PostAsync($"api/models/{churn.Model}/predict?top=5", Body);
        var badTop = await Api.PostAsync($"api/models/{churn.Model}/predict?top=0", Body);

        Assert.Equal((404, 404), (model.Status, version.Status));
        Assert.Contains("no-such-model has no current version", model.Body.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(400, badVersion.Status);
        Assert.Contains("found \"latest\"", badVersion.Body.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal((400, "InvalidRow"), (topOnBinary.Status, topOnBinary.Body.GetProperty("code").GetString()));
        Assert.Contains("is a binary model", topOnBinary.Body.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal((400, "InvalidRequest"), (badTop.Status, badTop.Body.GetProperty("code").GetString()));
    }

    [Fact]
    public async Task PredictCurrent_FollowsAPromotion_RefusesATamperedModel_AndServesItOnceTheBytesAreRestored()
    {
        const string Model = "performance-optimizer";
        var dataset = await TestData.UploadPerformanceAsync(Api.Azurite.Storage, rows: 600);
        var row = """[{"timestamp":"2025-03-01T10:00:00Z","endpoint":"/api/a","error_rate":0.01,"throughput_rps":120,"cache_hit_rate":0.8}]""";
        var first = await Train(Model, dataset, trees: 10);
        Assert.Equal(first, (await Api.PostAsync($"api/models/{Model}/predict", row)).Body.GetProperty("version").GetInt32());

        var second = await Train(Model, dataset, trees: 12);
        var blob = Api.Azurite.Storage.Models.GetBlobClient(ModelVersionRow.ModelBlobOf(Model, second));
        var original = (await blob.DownloadContentAsync()).Value.Content.ToArray();
        var tampered = (byte[])original.Clone();
        tampered[tampered.Length / 2] ^= 0x5A;
        await blob.UploadAsync(new BinaryData(tampered), overwrite: true);

        // Which version is current is cached for two seconds: the promotion is served within that.
        (int Status, JsonElement Body, Uri? Location) answer = default;
        await Eventually.HoldsAsync(async () => (answer = await Api.PostAsync($"api/models/{Model}/predict", row)).Status != 200, TimeSpan.FromSeconds(10), "the promoted, tampered version to be asked for");
        var (refusedStatus, refused, _) = answer;
        var (oldStatus, old, _) = await Api.PostAsync($"api/models/{Model}/versions/{first}/predict", row);

        Assert.Equal((500, "ModelIntegrity"), (refusedStatus, refused.GetProperty("code").GetString()));
        var registered = (await new ModelRegistry(Api.Azurite.Storage).GetAsync(Model, second))!;
        Assert.Contains($"the registry recorded SHA-256 {registered.ModelSha256}", refused.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal((200, first), (oldStatus, old.GetProperty("version").GetInt32()));

        await blob.UploadAsync(new BinaryData(original), overwrite: true);
        var (servedStatus, served, _) = await Api.PostAsync($"api/models/{Model}/predict", row);
        Assert.Equal((200, second), (servedStatus, served.GetProperty("version").GetInt32()));
        Assert.True(double.IsFinite(served.GetProperty("predictions")[0].GetProperty("score").GetDouble()));
    }

    [Fact]
    public async Task PredictTop_Recommender_RanksTheCatalogByAffinity_AndPairScoresMatchTheRanking()
    {
        var csv = RecommenderSampleData.ToStream(RatingsShape.Small, seed: 5);
        var user = Encoding.UTF8.GetString(csv.ToArray()).Split('\n')[1].Split(',')[0];
        var dataset = await JobRunner.UploadAsync(Api.Azurite, "content-recommender", csv);
        var jobId = TestData.Unique("http-rec");
        var version = (await JobRunner.RunAsync(Api.Azurite, "content-recommender", new { jobId, model = "content-recommender", dataset, promotion = "always" }, jobId)).Version;

        var (status, ranked, _) = await Api.PostAsync("api/models/content-recommender/predict?top=5", JsonSerializer.Serialize(new { rows = new[] { new { user_id = user } } }));

        Assert.True(status == 200, ranked.ToString());
        Assert.Equal((version, 5), (ranked.GetProperty("version").GetInt32(), ranked.GetProperty("top").GetInt32()));
        var items = ranked.GetProperty("users")[0].GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(5, items.Select(i => i.GetProperty("contentId").GetString()).Distinct().Count());
        var affinities = items.Select(i => i.GetProperty("affinity").GetDouble()).ToList();
        Assert.Equal(affinities.OrderDescending(), affinities);

        var pairs = items.Select(i => new { user_id = user, content_id = i.GetProperty("contentId").GetString() }).ToList();
        var (_, scored, _) = await Api.PostAsync("api/models/content-recommender/predict", JsonSerializer.Serialize(pairs));
        var predictions = scored.GetProperty("predictions").EnumerateArray().ToList();
        for (int i = 0; i < items.Count; i++)
        {
            Assert.Equal(items[i].GetProperty("affinity").GetDouble(), predictions[i].GetProperty("affinity").GetDouble(), 6);
            Assert.Equal(items[i].GetProperty("score").GetDouble(), predictions[i].GetProperty("score").GetDouble(), 6);
        }
    }

    [Fact]
    public async Task Predict_UnlabeledAnomalyModel_ScoresPlantedAnomaliesHigher_AndFlagsAtTheStoredThreshold()
    {
        var dataset = await TestData.UploadTextAsync(Api.Azurite.Storage, AnomalyData.Csv(AnomalyData.Rows(2000, 0.02, seed: 21), withLabel: false), "sensors");
        var jobId = TestData.Unique("http-anomaly");
        var registered = await JobRunner.RunAsync(Api.Azurite, "sensors-http", new { jobId, model = "sensors-http", dataset, spec = new { task = "anomaly" } }, jobId);
        var heldOut = AnomalyData.Rows(400, 0.05, seed: 22);
        var rows = heldOut.Select(r => AnomalyData.Features.Select((f, i) => (f, r.Values[i])).ToDictionary(p => p.f, p => p.Item2)).ToList();

        var (status, answer, _) = await Api.PostAsync("api/models/sensors-http/predict", JsonSerializer.Serialize(new { rows }));

        Assert.True(status == 200, answer.ToString());
        double threshold = answer.GetProperty("threshold").GetDouble();
        Assert.Equal(registered.DecisionThreshold!.Value, threshold, 9);
        var predictions = answer.GetProperty("predictions").EnumerateArray().ToList();
        var scores = predictions.Select(p => p.GetProperty("score").GetDouble()).ToList();
        Assert.All(predictions, p => Assert.Equal(p.GetProperty("score").GetDouble() >= threshold, p.GetProperty("predicted").GetBoolean()));
        double anomalies = heldOut.Select((r, i) => (r, i)).Where(x => x.r.IsAnomaly).Average(x => scores[x.i]);
        double normal = heldOut.Select((r, i) => (r, i)).Where(x => !x.r.IsAnomaly).Average(x => scores[x.i]);
        Assert.True(anomalies > 2 * normal, $"mean score of planted anomalies {anomalies:0.000} vs normal rows {normal:0.000}");
        Assert.False(predictions[0].TryGetProperty("probability", out _));
    }

    private async Task<int> Train(string model, string dataset, int trees)
    {
        var jobId = TestData.Unique("http-predict");
        return (await JobRunner.RunAsync(Api.Azurite, model, new { jobId, model, dataset, trainer = "lightgbm", hyperparameters = new { numberOfTrees = trees }, promotion = "always" }, jobId)).Version;
    }

    private static List<Dictionary<string, object?>> ChurnRows(int count, int seed)
    {
        var random = new Random(seed);
        string[] contracts = ["Month-to-month", "One year", "Two year"];
        return [.. Enumerable.Range(0, count).Select(i => new Dictionary<string, object?>
        {
            ["customerID"] = $"{9000 + i}-HTTP",
            ["tenure"] = random.Next(0, 72),
            ["Contract"] = contracts[random.Next(3)],
            ["MonthlyCharges"] = Math.Round(20 + (random.NextDouble() * 90), 2),
            ["TotalCharges"] = i % 7 == 0 ? null : Math.Round(random.NextDouble() * 5000, 2),
            ["PaymentMethod"] = "Bank transfer, automatic",
        })];
    }

    private static string ChurnCsv(List<Dictionary<string, object?>> rows)
    {
        var csv = new StringBuilder("customerID,tenure,Contract,MonthlyCharges,TotalCharges,PaymentMethod\n");
        foreach (var row in rows)
        {
            csv.AppendLine(string.Join(",", row.Values.Select(v => v switch
            {
                null => "",
                string s => "\"" + s + "\"",
                IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                _ => v.ToString(),
            })));
        }

        return csv.ToString();
    }

    /// <summary>A local host with HTTP over Azurite, and one binary spec model trained through it.</summary>
    public sealed class ChurnModel : IAsyncLifetime
    {
        public LocalApiFixture Api { get; } = new();

        public string Model { get; } = "churn-http";

        public int Version { get; private set; }

        public async Task InitializeAsync()
        {
            await Api.InitializeAsync();
            var dataset = await TestData.UploadTextAsync(Api.Azurite.Storage, Hosting.CustomSpecEndToEndTests.ChurnCsv(1200, seed: 1), "custom");
            var jobId = TestData.Unique("http-churn");
            Version = (await JobRunner.RunAsync(Api.Azurite, Model, new { jobId, model = Model, dataset, trainer = "lightgbm", hyperparameters = new { numberOfTrees = 60 }, spec = new { task = "binary", label = "Churn", seed = 3 }, promotion = "always" }, jobId)).Version;
        }

        public Task DisposeAsync() => Api.DisposeAsync();
    }
}
