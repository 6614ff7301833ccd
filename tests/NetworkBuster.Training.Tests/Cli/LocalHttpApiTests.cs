using System.Text.Json;
using NetworkBuster.Training.Registry;
using NetworkBuster.Training.Tests.Infrastructure;

namespace NetworkBuster.Training.Tests.Cli;

/// <summary>The HTTP API over real HTTP on the in-process local host, against a real Azurite and the Durable engine.</summary>
[Trait("Tier", "Integration")]
public class LocalHttpApiTests(LocalApiFixture api) : IClassFixture<LocalApiFixture>
{
    private const string Model = "performance-optimizer";

    [Fact]
    public async Task SubmitJob_RunsToSucceeded_AndRunsAndModelsRoutesShowTheRegisteredVersion()
    {
        var dataset = await TestData.UploadPerformanceAsync(api.Azurite.Storage, rows: 1000);
        var jobId = TestData.Unique("http");
        var message = JsonSerializer.Serialize(new { jobId, model = Model, dataset, hyperparameters = new { numberOfTrees = 40 }, promotion = "always" });

        var (status, accepted, location) = await api.PostAsync("api/jobs", message);

        Assert.Equal(202, status);
        var statusUrl = new Uri(api.Address, $"api/runs/{jobId}");
        Assert.Equal((jobId, statusUrl.ToString()), (accepted.GetProperty("jobId").GetString(), accepted.GetProperty("statusUrl").GetString()));
        Assert.Equal(statusUrl, location);

        var run = await PollRunAsync(jobId);
        Assert.True(run.GetProperty("status").GetString() == "Succeeded", run.ToString());
        int version = run.GetProperty("version").GetInt32();
        Assert.Equal(("register", 100, "http"), (run.GetProperty("step").GetString(), run.GetProperty("progress").GetInt32(), run.GetProperty("trigger").GetString()));
        Assert.True(run.GetProperty("instance").GetProperty("runtimeStatus").GetString() is "Running" or "Completed", run.ToString());
        await Eventually.HoldsAsync(
            async () => (await api.GetAsync($"api/runs/{jobId}")).Body.GetProperty("instance").GetProperty("runtimeStatus").GetString() == "Completed",
            TimeSpan.FromSeconds(30),
            $"the instance of {jobId} to show Completed");

        var (againStatus, again, _) = await api.PostAsync("api/jobs", message);
        Assert.Equal((200, "Succeeded"), (againStatus, again.GetProperty("status").GetString()));

        var (_, filtered) = await api.GetAsync($"api/runs?model={Model}&status=succeeded&top=1000");
        var runs = filtered.GetProperty("runs").EnumerateArray().ToList();
        Assert.Contains(runs, r => r.GetProperty("jobId").GetString() == jobId);
        Assert.All(runs, r => Assert.Equal((Model, "Succeeded"), (r.GetProperty("model").GetString(), r.GetProperty("status").GetString())));
        var (_, otherModel) = await api.GetAsync("api/runs?model=content-recommender");
        Assert.DoesNotContain(otherModel.GetProperty("runs").EnumerateArray(), r => r.GetProperty("jobId").GetString() == jobId);

        var (_, models) = await api.GetAsync("api/models");
        var summary = models.GetProperty("models").EnumerateArray().Single(m => m.GetProperty("model").GetString() == Model);
        Assert.Equal(version, summary.GetProperty("currentVersion").GetInt32());

        var (_, versions) = await api.GetAsync($"api/models/{Model}");
        Assert.Equal(version, versions.GetProperty("currentVersion").GetInt32());
        Assert.Contains(versions.GetProperty("versions").EnumerateArray(), v => v.GetProperty("version").GetInt32() == version && v.GetProperty("jobId").GetString() == jobId);

        var (versionStatus, detail) = await api.GetAsync($"api/models/{Model}/versions/{version}");
        var row = (await new ModelRegistry(api.Azurite.Storage).GetAsync(Model, version))!;
        Assert.Equal(200, versionStatus);
        Assert.Equal((row.ModelSha256, row.DatasetBlob, jobId), (detail.GetProperty("modelSha256").GetString(), detail.GetProperty("datasetBlob").GetString(), detail.GetProperty("jobId").GetString()));
        Assert.Equal(row.PrimaryMetricValue, detail.GetProperty("metrics").GetProperty(row.PrimaryMetric!).GetDouble());
        Assert.EndsWith($"/ml-models/{Model}/v{version}/model.zip", detail.GetProperty("links").GetProperty("model").GetString(), StringComparison.Ordinal);
        Assert.EndsWith($"/ml-models/{Model}/v{version}/report.html", detail.GetProperty("links").GetProperty("report").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task EveryRoute_WithoutAKeyOrWithAWrongOne_Answers401_AndTheKeyInTheQueryIsAccepted_ButOpenApiIsPublic()
    {
        foreach (var path in new[] { "api/runs", "api/runs/some-job", "api/models", $"api/models/{Model}", $"api/models/{Model}/versions/1" })
        {
            using var none = await api.Anonymous.GetAsync(new Uri(path, UriKind.Relative));
            using var wrong = await api.Anonymous.GetAsync(new Uri($"{path}?code=not-the-key-0123456789", UriKind.Relative));
            Assert.Equal((401, 401), ((int)none.StatusCode, (int)wrong.StatusCode));
            Assert.Equal("Unauthorized", (await LocalApiFixture.BodyAsync(wrong)).GetProperty("code").GetString());
        }

        using var openApi = await api.Anonymous.GetAsync(new Uri("api/openapi.json", UriKind.Relative));
        Assert.Equal(200, (int)openApi.StatusCode);
        Assert.True((await LocalApiFixture.BodyAsync(openApi)).GetProperty("paths").TryGetProperty("/runs/{jobId}/cancel", out _));

        using var post = await api.Anonymous.PostAsync(new Uri("api/jobs", UriKind.Relative), new StringContent("{}"));
        Assert.Equal(401, (int)post.StatusCode);
        using var byQuery = await api.Anonymous.GetAsync(new Uri($"api/models?code={LocalApiFixture.Key}", UriKind.Relative));
        Assert.Equal(200, (int)byQuery.StatusCode);
    }

    [Theory]
    [InlineData("{\"jobId\":\"http-bad-1\",\"model\":\"performance-optimizer\"}", "InvalidMessage", "'dataset' is required")]
    [InlineData("{\"jobId\":\"http-bad-2\",\"model\":\"no-such-model\",\"dataset\":\"x/y.csv\"}", "UnknownModel", "no-such-model")]
    [InlineData("{\"jobId\":\"http-bad-3\",\"model\":\"performance-optimizer\",\"dataset\":\"p/a.csv\",\"hyperparameters\":{\"numberOfTrees\":\"many\"}}", "InvalidHyperparameter", "numberOfTrees")]
    [InlineData("not json", "InvalidMessage", "JSON object")]
    public async Task SubmitJob_InvalidMessage_Answers400WithTheContractsCode_AndQueuesNothing(string body, string code, string named)
    {
        var (status, error, _) = await api.PostAsync("api/jobs", body);

        Assert.Equal((400, code), (status, error.GetProperty("code").GetString()));
        Assert.Contains(named, error.GetProperty("message").GetString(), StringComparison.Ordinal);
        var jobId = JsonDocument.Parse(body.StartsWith('{') ? body : "{}").RootElement.TryGetProperty("jobId", out var id) ? id.GetString()! : "none";
        Assert.Equal(404, (await api.GetAsync($"api/runs/{jobId}")).Status);
    }

    [Fact]
    public async Task UnknownRunModelOrVersion_Answer404_AndBadQueryValues400_NamingWhatWasFound()
    {
        var run = await api.GetAsync("api/runs/no-such-job");
        var model = await api.GetAsync("api/models/no-such-model");
        var version = await api.GetAsync($"api/models/{Model}/versions/999999");
        var top = await api.GetAsync("api/runs?top=0");
        var status = await api.GetAsync("api/runs?status=Done");

        Assert.Equal((404, "NotFound"), (run.Status, run.Body.GetProperty("code").GetString()));
        Assert.Contains("no-such-job", run.Body.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal((404, 404), (model.Status, version.Status));
        Assert.Equal((400, "InvalidRequest"), (top.Status, top.Body.GetProperty("code").GetString()));
        Assert.Contains("found \"0\"", top.Body.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(400, status.Status);
        Assert.Contains("Done", status.Body.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CancelRun_DuringTrain_RecordsCancelled_EmptiesStaging_AndRegistersNoVersion()
    {
        var dataset = await TestData.UploadPerformanceAsync(api.Azurite.Storage, rows: 10000);
        var jobId = TestData.Unique("http-cancel");
        var slow = JsonSerializer.Serialize(new { jobId, model = Model, dataset, trainer = "fasttree", hyperparameters = new { numberOfTrees = 2000, earlyStoppingRounds = 0 }, promotion = "always" });
        Assert.Equal(202, (await api.PostAsync("api/jobs", slow)).Status);
        await Eventually.HoldsAsync(async () => (await api.GetAsync($"api/runs/{jobId}")).Body.GetProperty("step").GetString() == "train", JobRunner.RunTimeout, $"{jobId} to reach train");

        var (status, cancelled, _) = await api.PostAsync($"api/runs/{jobId}/cancel", "");

        Assert.True(status == 200, cancelled.ToString());
        Assert.Equal(("Cancelled", "train"), (cancelled.GetProperty("status").GetString(), cancelled.GetProperty("step").GetString()));
        var (againStatus, again, _) = await api.PostAsync($"api/runs/{jobId}/cancel", "");
        Assert.Equal((409, "Conflict"), (againStatus, again.GetProperty("code").GetString()));
        Assert.Contains("already ended as Cancelled", again.GetProperty("message").GetString(), StringComparison.Ordinal);

        // One training slot: a next job runs only once the cancelled train step has ended on its own.
        var next = TestData.Unique("http-after");
        var small = await TestData.UploadPerformanceAsync(api.Azurite.Storage, rows: 500);
        Assert.Equal(202, (await api.PostAsync("api/jobs", JsonSerializer.Serialize(new { jobId = next, model = Model, dataset = small, hyperparameters = new { numberOfTrees = 10 }, promotion = "never" }))).Status);
        Assert.Equal("Succeeded", (await PollRunAsync(next)).GetProperty("status").GetString());

        var (_, after) = await api.GetAsync($"api/runs/{jobId}");
        Assert.Equal(("Cancelled", "Terminated"), (after.GetProperty("status").GetString(), after.GetProperty("instance").GetProperty("runtimeStatus").GetString()));
        Assert.Null(await new ModelRegistry(api.Azurite.Storage).FindByJobAsync(Model, jobId));
        var staged = new List<string>();
        await foreach (var blob in api.Azurite.Storage.Staging.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, jobId + "/", CancellationToken.None))
        {
            staged.Add(blob.Name);
        }

        Assert.Empty(staged);
    }

    [Fact]
    public async Task NbtrainRunsCancel_RunningRun_TerminatesItsInstanceThroughTheTaskHub()
    {
        var dataset = await TestData.UploadPerformanceAsync(api.Azurite.Storage, rows: 10000);
        var jobId = TestData.Unique("cli-cancel-running");
        var slow = JsonSerializer.Serialize(new { jobId, model = Model, dataset, trainer = "fasttree", hyperparameters = new { numberOfTrees = 2000, earlyStoppingRounds = 0 } });
        Assert.Equal(202, (await api.PostAsync("api/jobs", slow)).Status);
        await Eventually.HoldsAsync(async () => (await api.GetAsync($"api/runs/{jobId}")).Body.GetProperty("step").GetString() == "train", JobRunner.RunTimeout, $"{jobId} to reach train");

        var result = await Nbtrain.RunAsync("runs", "cancel", jobId, "--task-hub", api.TaskHub, "--json", "--connection", api.Azurite.ConnectionString);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("Cancelled", JsonDocument.Parse(result.Output).RootElement.GetProperty("status").GetString());
        await Eventually.HoldsAsync(
            async () => (await api.GetAsync($"api/runs/{jobId}")).Body.GetProperty("instance").GetProperty("runtimeStatus").GetString() == "Terminated",
            TimeSpan.FromSeconds(60),
            $"the instance of {jobId} to be terminated by the host");
        Assert.Equal("Cancelled", (await api.GetAsync($"api/runs/{jobId}")).Body.GetProperty("status").GetString());
    }

    [Fact]
    public async Task NbtrainRunsCancel_FinishedRun_IsRefusedNamingItsStatus()
    {
        var jobId = TestData.Unique("cli-cancel");
        await new NetworkBuster.Training.Runs.RunStore(api.Azurite.Storage).CreateOrGetAsync(new NetworkBuster.Training.Runs.TrainingRunRow { JobId = jobId, Model = Model, Status = "Succeeded", Version = 4 });

        var result = await Nbtrain.RunAsync("runs", "cancel", jobId, "--connection", api.Azurite.ConnectionString);
        var missing = await Nbtrain.RunAsync("runs", "cancel", "no-such-run", "--connection", api.Azurite.ConnectionString);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"Run {jobId} cannot be cancelled: expected a Pending or Running run, but it already ended as Succeeded (version 4).", result.Error, StringComparison.Ordinal);
        Assert.Equal(3, missing.ExitCode);
    }

    private async Task<JsonElement> PollRunAsync(string jobId)
    {
        JsonElement run = default;
        await Eventually.HoldsAsync(
            async () =>
            {
                var (status, body) = await api.GetAsync($"api/runs/{jobId}");
                run = body;
                return status == 200 && body.GetProperty("status").GetString() is "Succeeded" or "Failed" or "Cancelled";
            },
            JobRunner.RunTimeout,
            $"run {jobId} to end");
        return run;
    }
}
