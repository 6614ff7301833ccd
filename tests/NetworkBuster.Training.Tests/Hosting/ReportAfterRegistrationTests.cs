using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using NetworkBuster.Training.Api;
using NetworkBuster.Training.Registry;
using NetworkBuster.Training.Runs;
using NetworkBuster.Training.Storage;
using NetworkBuster.Training.Tests.Infrastructure;

namespace NetworkBuster.Training.Tests.Hosting;

/// <summary>
/// The local host (its real Durable engine, real Azurite): a job's run succeeds and its version is current when
/// register ends; the report follows in the explain step, and its failure leaves both standing. The host's storage
/// clients carry a gate that holds or refuses the write of <c>report.html</c>, so the test can look in between.
/// </summary>
[Trait("Tier", "Integration")]
public class ReportAfterRegistrationTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private const string Model = "performance-optimizer";

    [Fact]
    public async Task LocalHost_RunSucceedsAndItsVersionIsCurrent_BeforeItsReportExists_ThenTheReportIsReady()
    {
        var gate = ReportUploadGate.Holding(azurite.ConnectionString);
        using var host = await Pipeline.StartHostAsync(azurite.ConnectionString, configure: s => s.AddSingleton(gate.Storage));
        var dataset = await TestData.UploadPerformanceAsync(azurite.Storage, rows: 800);
        var jobId = TestData.Unique("explain-held");
        var runs = new RunStore(azurite.Storage);

        await azurite.Storage.JobsQueue.SendMessageAsync(JsonSerializer.Serialize(new { jobId, model = Model, dataset, hyperparameters = new { numberOfTrees = 30 } }));
        await gate.Arrived.WaitAsync(JobRunner.RunTimeout);

        // Held at the report's write: the decision is made, the version registered and current, the run ended.
        var run = (await runs.GetAsync(jobId))!;
        Assert.Equal((RunStatus.Succeeded, InsightsState.Pending), (run.Status, run.Insights));
        var version = (await new ModelRegistry(azurite.Storage).GetAsync(Model, run.Version!.Value))!;
        Assert.True(version.IsCurrent, $"{Model}:{version.Version} is {version.Status}, not current: {version.StatusReason}");
        Assert.False(await ReportBlob(version).ExistsAsync());
        var pending = await VersionReportAsync(host.Services, version);
        Assert.Equal(InsightsState.Pending, pending.GetProperty("state").GetString());
        Assert.Contains("being prepared", pending.GetProperty("message").GetString(), StringComparison.Ordinal);

        gate.Release();
        var explained = await runs.WaitForInsightsAsync(jobId, JobRunner.RunTimeout);

        Assert.Equal((RunStatus.Succeeded, InsightsState.Ready, null), (explained.Status, explained.Insights, explained.InsightsError));
        Assert.Equal(run.CompletedAt, explained.CompletedAt);
        Assert.True(await ReportBlob(version).ExistsAsync());
        var row = (await new ModelRegistry(azurite.Storage).GetAsync(Model, version.Version))!;
        Assert.NotNull(row.FeatureImportance);
        Assert.NotNull(row.Bottlenecks);
        Assert.True(await azurite.Storage.Models.GetBlobClient(ModelVersionRow.ProfileBlobOf(Model, version.Version)).ExistsAsync());
        var metadata = await JobRunner.MetadataAsync(azurite, row);
        Assert.NotEmpty(metadata.GetProperty("insights").GetProperty("featureImportance").EnumerateArray());
        Assert.Equal(InsightsState.Ready, (await VersionReportAsync(host.Services, version)).GetProperty("state").GetString());
        await StagingIsEmptyAsync(azurite.Storage, jobId);
    }

    [Fact]
    public async Task LocalHost_ReportRefusedByStorage_LeavesTheRunSucceededAndTheVersionCurrent_AndTheRunRowSaysWhy()
    {
        var gate = ReportUploadGate.Refusing(azurite.ConnectionString);
        using var host = await Pipeline.StartHostAsync(azurite.ConnectionString, configure: s => s.AddSingleton(gate.Storage));
        var dataset = await TestData.UploadPerformanceAsync(azurite.Storage, rows: 800, seed: 11);
        var jobId = TestData.Unique("explain-refused");
        var runs = new RunStore(azurite.Storage);

        await azurite.Storage.JobsQueue.SendMessageAsync(JsonSerializer.Serialize(new { jobId, model = Model, dataset, hyperparameters = new { numberOfTrees = 30 }, promotion = "always" }));
        var run = await runs.WaitAsync(jobId, JobRunner.RunTimeout);
        var explained = await runs.WaitForInsightsAsync(jobId, JobRunner.RunTimeout);

        Assert.Equal((RunStatus.Succeeded, RunStatus.Succeeded, InsightsState.Failed), (run.Status, explained.Status, explained.Insights));
        Assert.Contains("HTTP 403", explained.InsightsError, StringComparison.Ordinal);
        Assert.Contains("'explain'", explained.InsightsError, StringComparison.Ordinal);
        var version = (await new ModelRegistry(azurite.Storage).GetAsync(Model, run.Version!.Value))!;
        Assert.True(version.IsCurrent, $"{Model}:{version.Version} is {version.Status}, not current");
        Assert.Equal(VersionStatus.Available, version.Status);
        Assert.False(await ReportBlob(version).ExistsAsync());
        var failed = await VersionReportAsync(host.Services, version);
        Assert.Equal(InsightsState.Failed, failed.GetProperty("state").GetString());
        Assert.Contains("the version itself stands", failed.GetProperty("message").GetString(), StringComparison.Ordinal);
        await StagingIsEmptyAsync(azurite.Storage, jobId);

        // The CLI says so too, instead of a bare "not found" (a real nbtrain process).
        var report = await Nbtrain.RunAsync("models", "report", $"{Model}:{version.Version}", "-o", Path.Combine(Path.GetTempPath(), $"{jobId}.html"), "--connection", azurite.ConnectionString);
        Assert.True(report.ExitCode == 3, report.ToString());
        Assert.Contains("could not be prepared", report.Error, StringComparison.Ordinal);
    }

    internal static async Task StagingIsEmptyAsync(StorageClients storage, string jobId)
    {
        await foreach (var blob in storage.Staging.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, jobId + "/", CancellationToken.None))
        {
            Assert.Fail($"staging kept {blob.Name}");
        }
    }

    private Azure.Storage.Blobs.BlobClient ReportBlob(ModelVersionRow version) =>
        azurite.Storage.Models.GetBlobClient(ModelVersionRow.ReportBlobOf(version.Model, version.Version));

    private static async Task<JsonElement> VersionReportAsync(IServiceProvider services, ModelVersionRow version)
    {
        var result = await services.GetRequiredService<ModelsApi>().GetVersionAsync(version.Model, version.Version.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(200, result.Status);
        return JsonDocument.Parse(result.ToJson()).RootElement.GetProperty("report").Clone();
    }
}
