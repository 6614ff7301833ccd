using System.Text.Json;
using NetworkBuster.Training.Registry;
using NetworkBuster.Training.Runs;
using NetworkBuster.Training.Tests.Infrastructure;

namespace NetworkBuster.Training.Tests.Cli;

/// <summary>Every operator command, run as the real nbtrain process against a real Azurite and a running local host.</summary>
[Trait("Tier", "Integration")]
public class OperatorCommandsTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private Task<Nbtrain.Result> Run(params string[] arguments) => Nbtrain.RunAsync([.. arguments, "--connection", azurite.ConnectionString]);

    private static async Task<string> UploadCsvAsync(int rows)
    {
        var path = Path.Combine(Path.GetTempPath(), TestData.Unique("upload") + ".csv");
        await File.WriteAllLinesAsync(path, TestData.PerformanceLines(rows));
        return path;
    }

    [Fact]
    public async Task DatasetsUploadAndList_ShowTheBlobUnderTheModelFolder()
    {
        var file = await UploadCsvAsync(50);

        var upload = await Run("datasets", "upload", file, "-m", "performance-optimizer", "--json");
        var list = await Run("datasets", "list", "performance-optimizer/", "--json");

        Assert.True(upload.ExitCode == 0, upload.ToString());
        var name = JsonDocument.Parse(upload.Output).RootElement.GetProperty("dataset").GetString();
        Assert.Equal($"performance-optimizer/{Path.GetFileName(file)}", name);
        Assert.Contains(JsonDocument.Parse(list.Output).RootElement.EnumerateArray(), e => e.GetProperty("name").GetString() == name);
    }

    [Fact]
    public async Task DatasetsUpload_NameLeavingTheContainer_IsInvalidInput()
    {
        var file = await UploadCsvAsync(5);

        var result = await Run("datasets", "upload", file, "--name", "../escape.csv");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("'..'", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SubmitWait_ThenRunsAndModels_ShowTheRegisteredVersion()
    {
        var dataset = await TestData.UploadPerformanceAsync(azurite.Storage, rows: 1000);
        using var host = await Pipeline.StartHostAsync(azurite.ConnectionString, new Dictionary<string, string?> { ["Training:Host:TaskHub"] = "nbtrainlocal" });
        var jobId = TestData.Unique("cli");

        var submit = await Run("submit", "-m", "performance-optimizer", "-d", dataset, "-p", "numberOfTrees=40", "--job-id", jobId, "--wait", "--json");
        Assert.True(submit.ExitCode == 0, submit.ToString());
        var run = JsonDocument.Parse(submit.Output).RootElement;
        Assert.Equal("Succeeded", run.GetProperty("status").GetString());
        int version = run.GetProperty("version").GetInt32();

        var one = await Run("runs", jobId, "--json");
        Assert.Equal(version, JsonDocument.Parse(one.Output).RootElement.GetProperty("version").GetInt32());

        // Beside the run row: the Durable instance that ran it, read from the local host's task hub.
        var instance = JsonDocument.Parse(one.Output).RootElement.GetProperty("instance");
        Assert.Equal(("nbtrainlocal", "Completed"), (instance.GetProperty("taskHub").GetString(), instance.GetProperty("runtimeStatus").GetString()));
        Assert.Contains("\"Status\":\"Succeeded\"", instance.GetProperty("customStatus").GetString(), StringComparison.Ordinal);
        var text = await Run("runs", jobId);
        Assert.Contains("Completed (task hub nbtrainlocal)", text.Output, StringComparison.Ordinal);
        var all = await Run("runs", "--json", "--top", "100");
        Assert.Contains(JsonDocument.Parse(all.Output).RootElement.EnumerateArray(), r => r.GetProperty("jobId").GetString() == jobId);
        var show = await Run("models", "show", $"performance-optimizer:{version}", "--json");
        var row = JsonDocument.Parse(show.Output).RootElement.GetProperty("row");
        Assert.Equal(jobId, row.GetProperty("jobId").GetString());
        Assert.Equal(dataset, row.GetProperty("datasetBlob").GetString());
        Assert.False(string.IsNullOrEmpty(row.GetProperty("datasetETag").GetString()));
        Assert.Contains("endpoint", row.GetProperty("inputSchema").GetString(), StringComparison.Ordinal);
        var shown = await Run("models", "show", $"performance-optimizer:{version}");
        Assert.Contains("Test-split metrics", shown.Output, StringComparison.Ordinal);
        var list = await Run("models", "list", "performance-optimizer", "--json");
        Assert.Contains(JsonDocument.Parse(list.Output).RootElement.EnumerateArray(), v => v.GetProperty("version").GetInt32() == version);
    }

    [Fact]
    public async Task Submit_InvalidJob_ExitsTwoNamingTheRuleAndQueuesNothing()
    {
        var before = (await azurite.Storage.JobsQueue.GetPropertiesAsync()).Value.ApproximateMessagesCount;

        var result = await Run("submit", "-m", "performance-optimizer", "-d", "a.csv", "-p", "numberOfTrees=0");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("InvalidHyperparameter", result.Error, StringComparison.Ordinal);
        Assert.Equal(before, (await azurite.Storage.JobsQueue.GetPropertiesAsync()).Value.ApproximateMessagesCount);
    }

    [Fact]
    public async Task PromoteRollbackHistory_ChangeTheCurrentVersionAndRecordWhoDidIt()
    {
        var model = TestData.Unique("cli-model");
        var registry = new ModelRegistry(azurite.Storage);
        var (v1, v2) = (await registry.AddVersionAsync(new ModelVersionRow { Model = model, JobId = "a" }), await registry.AddVersionAsync(new ModelVersionRow { Model = model, JobId = "b" }));

        var promote1 = await Run("models", "promote", $"{model}:{v1}");
        var promote2 = await Run("models", "promote", $"{model}:{v2}", "--reason", "better", "--json");
        var rollback = await Run("models", "rollback", model, "--json");
        var history = await Run("models", "history", model, "--json");

        Assert.True(promote1.ExitCode == 0, promote1.ToString());
        Assert.Equal(v1, JsonDocument.Parse(promote2.Output).RootElement.GetProperty("previous").GetInt32());
        Assert.Equal((v2, v1), (JsonDocument.Parse(rollback.Output).RootElement.GetProperty("from").GetInt32(), JsonDocument.Parse(rollback.Output).RootElement.GetProperty("to").GetInt32()));
        Assert.Equal(v1, (await registry.GetCurrentAsync(model))!.Version);
        var entries = JsonDocument.Parse(history.Output).RootElement.EnumerateArray().ToList();
        Assert.Equal(["rollback", "promote", "promote"], entries.Select(e => e.GetProperty("action").GetString()));
        Assert.StartsWith("cli:", entries[0].GetProperty("by").GetString(), StringComparison.Ordinal);
        Assert.Equal("better", entries[1].GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Models_UnknownVersion_ExitsThree()
    {
        var result = await Run("models", "show", "performance-optimizer:99999");

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("does not exist", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Predict_CurrentVersion_WritesInputColumnsPlusPredictions_AndRefusesATamperedModel()
    {
        var dataset = await TestData.UploadPerformanceAsync(azurite.Storage, rows: 1500);
        using var host = await Pipeline.StartHostAsync(azurite.ConnectionString);
        var jobId = TestData.Unique("predict");
        var model = "performance-optimizer";
        await azurite.Storage.JobsQueue.SendMessageAsync(JsonSerializer.Serialize(new { jobId, model, dataset, promotion = "always" }));
        var run = await new RunStore(azurite.Storage).WaitAsync(jobId, TimeSpan.FromMinutes(3));
        var input = Path.Combine(Path.GetTempPath(), TestData.Unique("in") + ".csv");
        var lines = TestData.PerformanceLines(100, seed: 99);
        await File.WriteAllLinesAsync(input, lines.Select(l => string.Join(",", l.Split(',').Where((_, i) => i != 2))));
        var output = input + ".out.csv";

        var result = await Run("predict", $"{model}:{run.Version}", input, "-o", output);

        Assert.True(result.ExitCode == 0, result.ToString());
        var scored = await File.ReadAllLinesAsync(output);
        Assert.Equal("timestamp,endpoint,error_rate,throughput_rps,cache_hit_rate,PredictedResponse_time_ms", scored[0]);
        Assert.Equal(101, scored.Length);
        var predicted = scored.Skip(1).Select(l => double.Parse(l.Split(',')[^1], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        var actual = lines.Skip(1).Select(l => double.Parse(l.Split(',')[2], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        double rmse = Math.Sqrt(predicted.Zip(actual, (p, a) => (p - a) * (p - a)).Average());
        Assert.True(rmse < 30, $"prediction RMSE {rmse}");

        var row = (await new ModelRegistry(azurite.Storage).GetAsync(model, run.Version!.Value))!;
        await azurite.Storage.Models.GetBlobClient(row.ModelBlob).UploadAsync(BinaryData.FromString("tampered"), overwrite: true);
        var refused = await Run("predict", $"{model}:{run.Version}", input, "-o", output);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains(row.ModelSha256!, refused.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnyCommand_StorageUnreachable_ExitsFour()
    {
        var result = await Nbtrain.RunAsync("runs", "--connection", "DefaultEndpointsProtocol=http;AccountName=x;AccountKey=eA==;BlobEndpoint=http://127.0.0.1:9/x;QueueEndpoint=http://127.0.0.1:9/x;TableEndpoint=http://127.0.0.1:9/x;");

        Assert.Equal(4, result.ExitCode);
        Assert.Contains("Storage is unavailable", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_ListsEveryCommandWithExamples()
    {
        var root = await Nbtrain.RunAsync("--help");
        var submit = await Nbtrain.RunAsync("submit", "--help");

        foreach (var command in new[] { "demo", "host", "submit", "runs", "models", "datasets", "predict" })
        {
            Assert.Contains(command, root.Output, StringComparison.Ordinal);
        }

        Assert.Contains("Examples:", submit.Output, StringComparison.Ordinal);
    }
}
