using System.Globalization;
using System.Text;
using System.Text.Json;
using NetworkBuster.Training.Registry;
using NetworkBuster.Training.Scoring;
using NetworkBuster.Training.Tests.Infrastructure;

namespace NetworkBuster.Training.Tests.Hosting;

/// <summary>Custom <c>spec</c> jobs through the queue and the local host: messy CSVs in, metrics in the registry out.</summary>
[Trait("Tier", "Integration")]
public class CustomSpecEndToEndTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private static readonly string[] SearchedTrainers = ["fasttree", "sdca"];

    // The additive model (gam) too: it reads the blank (missing) cells as they come, as the boosters do.
    [Theory]
    [InlineData("lightgbm", """{"numberOfTrees":80}""")]
    [InlineData("gam", "{}")]
    public async Task CustomBinary_QuotedCrlfBlankCellsAndAnIdentifier_TrainsWithoutTheIdentifier(string trainer, string hyperparameters)
    {
        var dataset = await TestData.UploadTextAsync(azurite.Storage, ChurnCsv(1200, seed: 1), "custom");
        var jobId = TestData.Unique("custom-binary");
        using var host = await Pipeline.StartHostAsync(azurite.ConnectionString);

        var row = await JobRunner.RunAsync(azurite, "churn-custom", new { jobId, model = "churn-custom", dataset, trainer, hyperparameters = JsonSerializer.Deserialize<Dictionary<string, double>>(hyperparameters), spec = new { task = "binary", label = "Churn", seed = 3 } }, jobId);

        var metrics = JobRunner.Metrics(row);
        Assert.True(metrics["AUC"] > 0.75, $"AUC {metrics["AUC"]}");
        Assert.Equal(0, row.BadRows);
        Assert.Equal(1200, row.TrainRows + row.ValidationRows + row.TestRows);
        using var schema = JsonDocument.Parse(row.InputSchema!);
        var features = schema.RootElement.GetProperty("features").EnumerateArray().Select(f => f.GetProperty("name").GetString()).ToList();
        Assert.DoesNotContain("customerID", features);
        Assert.Contains("TotalCharges", features);
        Assert.Contains("Contract", features);
        var importance = JsonSerializer.Deserialize<Dictionary<string, double>>(row.FeatureImportance!)!;
        Assert.Equal("Contract", importance.OrderByDescending(i => i.Value).First().Key);
    }

    [Fact]
    public async Task CustomRegression_FilesSplitWithDates_ScoresTheGivenTestFileOnce()
    {
        var train = await TestData.UploadTextAsync(azurite.Storage, EnergyCsv(1500, seed: 1), "custom");
        var test = await TestData.UploadTextAsync(azurite.Storage, EnergyCsv(300, seed: 2), "custom");
        var jobId = TestData.Unique("custom-regression");
        using var host = await Pipeline.StartHostAsync(azurite.ConnectionString);

        var row = await JobRunner.RunAsync(azurite, "energy-custom", new { jobId, model = "energy-custom", dataset = train, trainer = "fasttree", hyperparameters = new { numberOfTrees = 100 }, spec = new { task = "regression", label = "Appliances", split = new { kind = "files", test } } }, jobId);

        var metrics = JobRunner.Metrics(row);
        Assert.Equal(300, row.TestRows);
        Assert.Equal(1500, row.TrainRows + row.ValidationRows);
        Assert.True(metrics["R2"] > 0.8, $"R2 {metrics["R2"]}");
        Assert.Contains("date_seconds_since_midnight", row.InputSchema, StringComparison.Ordinal);
        Assert.Contains("date_is_weekend", row.InputSchema, StringComparison.Ordinal);
        Assert.True(JsonSerializer.Deserialize<Dictionary<string, double>>(row.FeatureImportance!)!.ContainsKey("date_hour"));
    }

    [Fact]
    public async Task ExtraTrees_FilesSplit_RegistersItsForestInTheVerifiedZip_AndScoresCsvsAsEvaluated()
    {
        var trainCsv = EnergyCsv(1500, seed: 1);
        var testCsv = EnergyCsv(300, seed: 2);
        var train = await TestData.UploadTextAsync(azurite.Storage, trainCsv, "custom");
        var test = await TestData.UploadTextAsync(azurite.Storage, testCsv, "custom");
        var jobId = TestData.Unique("extratrees");
        using var host = await Pipeline.StartHostAsync(azurite.ConnectionString);

        var row = await JobRunner.RunAsync(azurite, "energy-forest", new { jobId, model = "energy-forest", dataset = train, trainer = "extratrees", promotion = "always", spec = new { task = "regression", label = "Appliances", split = new { kind = "files", test } } }, jobId);

        var metrics = JobRunner.Metrics(row);
        Assert.Equal("extratrees", row.Trainer);
        Assert.Equal(100, JsonSerializer.Deserialize<Dictionary<string, double>>(row.Hyperparameters!)!["numberOfTrees"]);
        Assert.True(metrics["R2"] > 0.8, $"R2 {metrics["R2"]}");

        // The forest is an entry of the registered zip, covered by its hash (the download verifies it).
        var store = new ModelStore(azurite.Storage);
        await using (var zip = await store.DownloadModelAsync(row, CancellationToken.None))
        {
            using var archive = new System.IO.Compression.ZipArchive(zip, System.IO.Compression.ZipArchiveMode.Read, leaveOpen: true);
            Assert.True(archive.GetEntry(NetworkBuster.Training.Training.ExtraTreesModel.ForestEntry)?.Length > 1000, "the forest entry is in the zip");
        }

        // Scoring the test file with the registered version gives the RMSE evaluate measured: the same forest.
        using var output = new StringWriter();
        var summary = await new BatchScorer(new ModelRegistry(azurite.Storage), store).ScoreAsync(new ModelVersionRef("energy-forest", row.Version), new MemoryStream(Encoding.UTF8.GetBytes(testCsv)), output);
        Assert.Equal((300, 0), (summary.Rows, summary.BadRows));
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var header = lines[0].Split(',').Select(h => h.Trim('"')).ToList();
        var (label, score) = (header.IndexOf("Appliances"), header.IndexOf("PredictedAppliances"));
        double rmse = Math.Sqrt(lines.Skip(1).Select(l => l.Split(',')).Average(f => Math.Pow(Number(f[score]) - Number(f[label]), 2)));
        Assert.Equal(metrics["RMSE"], rmse, 2);
    }

    private static double Number(string field) => double.Parse(field.Trim().Trim('"').Trim(), CultureInfo.InvariantCulture);

    // y depends on x0 (strongly) and x1; the other columns are noise.
    internal static string WideCsv(int rows, int columns, int seed)
    {
        var random = new Random(seed);
        var csv = new StringBuilder("y");
        for (int c = 0; c < columns; c++)
        {
            csv.Append(",x").Append(c.ToString(CultureInfo.InvariantCulture));
        }

        csv.Append('\n');
        for (int r = 0; r < rows; r++)
        {
            var x = new int[columns];
            for (int c = 0; c < columns; c++)
            {
                x[c] = random.Next(10);
            }

            csv.Append((100 + (10 * x[0]) + (3 * x[1]) + random.NextDouble()).ToString("0.##", CultureInfo.InvariantCulture));
            foreach (var v in x)
            {
                csv.Append(',').Append((char)('0' + v));
            }

            csv.Append('\n');
        }

        return csv.ToString();
    }

    [Fact]
    public async Task WideCsv_20000Columns_RegistersWithItsSchemaInAVerifiedBlob_AndScores()
    {
        const int Columns = 20_000;
        var csv = WideCsv(200, Columns, seed: 6);
        var dataset = await TestData.UploadTextAsync(azurite.Storage, csv, "custom");
        var jobId = TestData.Unique("wide");
        using var host = await Pipeline.StartHostAsync(azurite.ConnectionString);

        var row = await JobRunner.RunAsync(azurite, "wide-custom", new { jobId, model = "wide-custom", dataset, trainer = "lightgbm", hyperparameters = new { numberOfTrees = 20 }, promotion = "always", spec = new { task = "regression", label = "y" } }, jobId);

        // The schema (~600 KB of JSON) does not fit a table property: the row points at its blob and hash.
        Assert.Null(row.InputSchema);
        Assert.Equal(ModelVersionRow.SchemaBlobOf("wide-custom", row.Version), row.InputSchemaBlob);
        var store = new ModelStore(azurite.Storage);
        using var schema = JsonDocument.Parse((await store.InputSchemaJsonAsync(row))!);
        Assert.Equal(Columns, schema.RootElement.GetProperty("features").GetArrayLength());
        Assert.Equal(row.InputSchemaBlob, (await JobRunner.MetadataAsync(azurite, row)).GetProperty("inputSchema").GetProperty("blob").GetString());
        Assert.True(JobRunner.Metrics(row)["R2"] > 0.5, $"R2 {JobRunner.Metrics(row)["R2"]}");

        // Scoring reads the schema from the blob.
        var head = string.Join('\n', csv.Split('\n').Take(11)) + "\n";
        using var output = new StringWriter();
        var summary = await new BatchScorer(new ModelRegistry(azurite.Storage), store).ScoreAsync(new ModelVersionRef("wide-custom", row.Version), new MemoryStream(Encoding.UTF8.GetBytes(head)), output);
        Assert.Equal((10, 0), (summary.Rows, summary.BadRows));

        // A tampered schema blob is refused.
        await azurite.Storage.Models.GetBlobClient(row.InputSchemaBlob).UploadAsync(BinaryData.FromString("{\"features\":[]}"), overwrite: true);
        await Assert.ThrowsAsync<ModelIntegrityException>(() => store.InputSchemaJsonAsync(row));
    }

    [Fact]
    public async Task ImbalancedBinary_ChoosesItsThresholdOnValidation_GatesAndPredictsAtIt()
    {
        // ~15% positives: at 0.5 the model misses most of them; the F1 threshold is lower and finds more.
        var dataset = await TestData.UploadTextAsync(azurite.Storage, ImbalancedCsv(6000, seed: 8), "custom");
        using var host = await Pipeline.StartHostAsync(azurite.ConnectionString, new Dictionary<string, string?>
        {
            ["Training:Gate:Models:rare-custom:Replace"] = "true",
            ["Training:Gate:Models:rare-custom:Minimums:Recall"] = "0.57",
        });
        object Message(string jobId, string? threshold) => new { jobId, model = "rare-custom", dataset, trainer = "lightgbm", threshold, spec = new { task = "binary", label = "y", seed = 2 } };
        var (chosen, half) = (TestData.Unique("rare-f1"), TestData.Unique("rare-half"));

        var f1 = await JobRunner.RunAsync(azurite, "rare-custom", Message(chosen, null), chosen);
        var fixedHalf = await JobRunner.RunAsync(azurite, "rare-custom", Message(half, "0.5"), half);

        var m = JobRunner.Metrics(f1);
        Assert.True(f1.DecisionThreshold is > 0.05 and < 0.45, $"threshold {f1.DecisionThreshold}");
        Assert.Equal(f1.DecisionThreshold, m["DecisionThreshold"]);
        Assert.True(m["Recall"] > m["Recall@0.5"] + 0.1 && m["F1"] > m["F1@0.5"], $"recall {m["Recall"]} vs {m["Recall@0.5"]} at 0.5, F1 {m["F1"]} vs {m["F1@0.5"]}");
        Assert.Equal(m["AUC"], JobRunner.Metrics(fixedHalf)["AUC"], 6);
        Assert.True(m["Recall"] >= 0.57 && JobRunner.Metrics(fixedHalf)["Recall"] < 0.57, $"recall {m["Recall"]} / {JobRunner.Metrics(fixedHalf)["Recall"]}");
        Assert.Equal((VersionStatus.Available, VersionStatus.Rejected), (f1.Status, fixedHalf.Status));
        Assert.Contains("Recall", fixedHalf.StatusReason, StringComparison.Ordinal);
        var recorded = (await JobRunner.MetadataAsync(azurite, f1)).GetProperty("decisionThreshold");
        Assert.StartsWith("f1 on ", recorded.GetProperty("source").GetString(), StringComparison.Ordinal);

        // predict decides at the stored threshold: Predicted is exactly Probability >= threshold.
        var rows = string.Join('\n', ImbalancedCsv(200, seed: 9).Split('\n').Take(201)) + "\n";
        using var output = new StringWriter();
        await new BatchScorer(new ModelRegistry(azurite.Storage), new ModelStore(azurite.Storage)).ScoreAsync(new ModelVersionRef("rare-custom", f1.Version), new MemoryStream(Encoding.UTF8.GetBytes(rows)), output);
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var header = lines[0].Split(',');
        int probability = Array.IndexOf(header, "Probability"), predicted = Array.IndexOf(header, "Predicted");
        Assert.True(probability > 0 && predicted > 0, lines[0]);
        var decisions = lines.Skip(1).Select(l => l.Split(',')).Select(c => (P: double.Parse(c[probability], CultureInfo.InvariantCulture), Predicted: c[predicted] == "true")).ToList();
        Assert.All(decisions, d => Assert.Equal(d.P >= f1.DecisionThreshold, d.Predicted));
        Assert.Contains(decisions, d => d.Predicted && d.P < 0.5);
    }

    [Theory]
    [InlineData("lightgbm")]
    [InlineData("fasttree")]
    public async Task Booster_StopsEarlyOnValidation_StoresAndRefitsTheChosenRounds_AndScoresNoWorse(string trainer)
    {
        var dataset = await TestData.UploadTextAsync(azurite.Storage, NoisyCsv(3000, seed: 10), "custom");
        using var host = await Pipeline.StartHostAsync(azurite.ConnectionString);
        object Message(string jobId, int patience) => new { jobId, model = "noisy-custom", dataset, trainer, promotion = "never", hyperparameters = new { numberOfTrees = 1500, learningRate = 0.3, earlyStoppingRounds = patience }, spec = new { task = "regression", label = "y", seed = 4 } };
        var (early, full) = (TestData.Unique("stop"), TestData.Unique("full"));

        var stopped = await JobRunner.RunAsync(azurite, "noisy-custom", Message(early, 20), early);
        var unstopped = await JobRunner.RunAsync(azurite, "noisy-custom", Message(full, 0), full);

        var h = JsonSerializer.Deserialize<Dictionary<string, double>>(stopped.Hyperparameters!)!;
        Assert.True(h["numberOfTrees"] is >= 1 and < 1500, $"rounds {h["numberOfTrees"]}");
        Assert.Equal((1500.0, 20.0), (h["maximumNumberOfTrees"], h["earlyStoppingRounds"]));
        Assert.Equal(1500.0, JsonSerializer.Deserialize<Dictionary<string, double>>(unstopped.Hyperparameters!)!["numberOfTrees"]);

        // The registered model (refitted on train + validation) has exactly the chosen rounds.
        var model = await new ModelStore(azurite.Storage).LoadAsync(new Microsoft.ML.MLContext(1), stopped, CancellationToken.None);
        var last = ((IEnumerable<Microsoft.ML.ITransformer>)model).Last();
        var trees = NetworkBuster.Training.Training.EarlyStopping.EnsembleOf(last).Trees.Count;
        Assert.Equal((int)h["numberOfTrees"], trees);
        Assert.True(JobRunner.Metrics(stopped)["RMSE"] <= JobRunner.Metrics(unstopped)["RMSE"] * 1.02, $"RMSE {JobRunner.Metrics(stopped)["RMSE"]} stopped vs {JobRunner.Metrics(unstopped)["RMSE"]} at 1500 rounds");
    }

    [Fact]
    public async Task SameJobTwice_SameSeed_GivesTheSameMetrics()
    {
        var dataset = await TestData.UploadTextAsync(azurite.Storage, ChurnCsv(800, seed: 4), "custom");
        using var host = await Pipeline.StartHostAsync(azurite.ConnectionString);
        object Message(string jobId) => new { jobId, model = "churn-repro", dataset, trainer = "fasttree", hyperparameters = new { numberOfTrees = 40 }, promotion = "never", spec = new { task = "binary", label = "Churn", seed = 9 } };
        var (first, second) = (TestData.Unique("repro-a"), TestData.Unique("repro-b"));

        var a = await JobRunner.RunAsync(azurite, "churn-repro", Message(first), first);
        var b = await JobRunner.RunAsync(azurite, "churn-repro", Message(second), second);

        Assert.Equal(a.Metrics, b.Metrics);
        Assert.Equal(a.FeatureImportance, b.FeatureImportance);
        Assert.Equal((a.TrainRows, a.ValidationRows, a.TestRows), (b.TrainRows, b.ValidationRows, b.TestRows));
    }

    [Fact]
    public async Task Search_RandomWithThreeTrials_RecordsEveryTrialAndTheChosenTrainer()
    {
        var dataset = await TestData.UploadTextAsync(azurite.Storage, ChurnCsv(800, seed: 5), "custom");
        var jobId = TestData.Unique("search");
        using var host = await Pipeline.StartHostAsync(azurite.ConnectionString);

        var row = await JobRunner.RunAsync(azurite, "churn-search", new { jobId, model = "churn-search", dataset, search = new { kind = "random", trials = 3, trainers = SearchedTrainers }, spec = new { task = "binary", label = "Churn" } }, jobId);

        var trials = (await JobRunner.MetadataAsync(azurite, row)).GetProperty("search").EnumerateArray().ToList();
        Assert.Equal(3, trials.Count);
        Assert.Equal(["fasttree", "fasttree", "sdca"], trials.Select(t => t.GetProperty("Trainer").GetString()));
        var best = trials.OrderByDescending(t => t.GetProperty("Value").GetDouble()).First();
        Assert.Equal(best.GetProperty("Trainer").GetString(), row.Trainer);
    }

    [Fact]
    public async Task Search_GridOverExtraTrees_VariesTheFeatureShareAndLeaf_AndRecordsWhatItChose()
    {
        var dataset = await TestData.UploadTextAsync(azurite.Storage, EnergyCsv(1000, seed: 7), "custom");
        var jobId = TestData.Unique("search-forest");
        using var host = await Pipeline.StartHostAsync(azurite.ConnectionString);

        var row = await JobRunner.RunAsync(azurite, "forest-search", new { jobId, model = "forest-search", dataset, trainer = "extratrees", search = new { kind = "grid", trials = 4 }, spec = new { task = "regression", label = "Appliances" } }, jobId);

        var trials = (await JobRunner.MetadataAsync(azurite, row)).GetProperty("search").EnumerateArray().ToList();
        Assert.Equal(4, trials.Count);
        Assert.All(trials, t => Assert.Equal("extratrees", t.GetProperty("Trainer").GetString()));
        Assert.All(trials, t => Assert.True(double.IsFinite(t.GetProperty("Value").GetDouble())));
        var points = trials.Skip(1).Select(t => t.GetProperty("Hyperparameters")).Select(h => (h.GetProperty("featureFraction").GetDouble(), h.GetProperty("minimumExampleCountPerLeaf").GetDouble())).ToList();
        Assert.Equal(points.Count, points.Distinct().Count());
        var best = trials.OrderBy(t => t.GetProperty("Value").GetDouble()).First();
        Assert.Equal(
            JsonSerializer.Deserialize<Dictionary<string, double>>(best.GetProperty("Hyperparameters").GetRawText()),
            JsonSerializer.Deserialize<Dictionary<string, double>>(row.Hyperparameters!));
    }

    /// <summary>Three numeric features (x2 is noise), 14% positives: P(y) = σ(4·x0 + 2·x1 − 3.5). The Bayes-optimal recall is 0.47 at 0.5 and 0.67 at the F1-best cut (≈0.32).</summary>
    internal static string ImbalancedCsv(int rows, int seed)
    {
        var random = new Random(seed);
        var csv = new StringBuilder("x0,x1,x2,y\n");
        for (int i = 0; i < rows; i++)
        {
            double x0 = random.NextDouble() * 2 - 1, x1 = random.NextDouble() * 2 - 1, x2 = random.NextDouble() * 2 - 1;
            bool y = random.NextDouble() < 1 / (1 + Math.Exp(3.5 - (4 * x0) - (2 * x1)));
            csv.Append(CultureInfo.InvariantCulture, $"{x0:0.####},{x1:0.####},{x2:0.####},{(y ? 1 : 0)}\n");
        }

        return csv.ToString();
    }

    /// <summary>y = 10·sin(x0) + 5·x1² + N(0, 3²) with two noise columns: 1,500 rounds at a 0.3 learning rate overfit it.</summary>
    internal static string NoisyCsv(int rows, int seed)
    {
        var random = new Random(seed);
        var csv = new StringBuilder("x0,x1,x2,x3,y\n");
        for (int i = 0; i < rows; i++)
        {
            double[] x = [random.NextDouble() * 6 - 3, random.NextDouble() * 2 - 1, random.NextDouble(), random.NextDouble()];
            double noise = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            csv.Append(CultureInfo.InvariantCulture, $"{x[0]:0.####},{x[1]:0.####},{x[2]:0.####},{x[3]:0.####},{(10 * Math.Sin(x[0])) + (5 * x[1] * x[1]) + (3 * noise):0.####}\n");
        }

        return csv.ToString();
    }

    /// <summary>Telco-like rows: an identifier, quoted cells with stray spaces, blank numbers, CRLF; churn driven by contract and tenure.</summary>
    internal static string ChurnCsv(int rows, int seed)
    {
        var random = new Random(seed);
        var csv = new StringBuilder("customerID,tenure,Contract,MonthlyCharges,TotalCharges,PaymentMethod,Churn\r\n");
        string[] contracts = ["Month-to-month", "One year", "Two year"];
        for (int i = 0; i < rows; i++)
        {
            int contract = random.Next(3);
            int tenure = random.Next(0, 72);
            double monthly = Math.Round(20 + (random.NextDouble() * 90), 2);
            double risk = (contract == 0 ? 1.5 : contract == 1 ? -0.5 : -2) - (0.03 * tenure) + (0.01 * (monthly - 60)) + (0.6 * (random.NextDouble() - 0.5));
            bool churn = random.NextDouble() < 1 / (1 + Math.Exp(-2 * risk));
            var total = i % 97 == 0 ? " " : (monthly * tenure).ToString("0.##", CultureInfo.InvariantCulture);
            csv.Append(CultureInfo.InvariantCulture, $"{1000 + i}-{(char)('A' + (i % 26))}{(char)('A' + (i / 26 % 26))}QX,{tenure},\"{contracts[contract]}\",{monthly}, \"{total}\",\"Bank transfer, automatic\",{(churn ? "Yes" : "No")}\r\n");
        }

        return csv.ToString();
    }

    /// <summary>Appliances-like rows: every value quoted, some with leading spaces, a yyyy-MM-dd HH:mm:ss date, CRLF.</summary>
    internal static string EnergyCsv(int rows, int seed)
    {
        var random = new Random(seed);
        var csv = new StringBuilder("\"date\",\"Appliances\",\"T1\",\"RH_1\"\r\n");
        for (int i = 0; i < rows; i++)
        {
            var at = new DateTime(2016, 1, 11, 17, 0, 0, DateTimeKind.Utc).AddMinutes(10 * random.Next(0, 20_000));
            double t1 = 18 + (random.NextDouble() * 6);
            double rh = 35 + (random.NextDouble() * 15);
            double y = 40 + (at.Hour is >= 17 and <= 21 ? 80 : 0) + (5 * (t1 - 20)) + (random.NextDouble() * 10);
            csv.Append(CultureInfo.InvariantCulture, $"\"{at:yyyy-MM-dd HH:mm:ss}\",\"  {Math.Round(y)}\",\"{t1:0.000}\",\" {rh:0.000}\"\r\n");
        }

        return csv.ToString();
    }
}
