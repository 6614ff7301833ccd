using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using NetworkBuster.Training.Admissions;
using NetworkBuster.Training.Presets;
using NetworkBuster.Training.Registry;
using NetworkBuster.Training.Runs;
using NetworkBuster.Training.Scheduling;
using NetworkBuster.Training.Tests.Infrastructure;

namespace NetworkBuster.Training.Tests.Scheduling;

[Trait("Tier", "Integration")]
public class RetrainingScheduleTests
{
    private static RetrainingSchedule Hourly => new(PresetCatalog.PerformanceOptimizer, "0 5 * * * *");

    [Fact]
    public void LatestSlot_Hourly_IsTheLastOccurrenceAtOrBeforeNow()
    {
        Assert.Equal(new DateTime(2025, 1, 15, 14, 5, 0), Hourly.LatestSlot(new DateTime(2025, 1, 15, 14, 37, 12)));
        Assert.Equal(new DateTime(2025, 1, 15, 14, 5, 0), Hourly.LatestSlot(new DateTime(2025, 1, 15, 14, 5, 0)));
        Assert.Equal(new DateTime(2025, 1, 15, 13, 5, 0), Hourly.LatestSlot(new DateTime(2025, 1, 15, 14, 4, 59)));
    }

    [Fact]
    public void LatestSlot_Weekly_LooksBackAcrossTheWeek()
    {
        var weekly = new RetrainingSchedule(PresetCatalog.Sustainability, PresetCatalog.Sustainability.DefaultSchedule);

        // 2025-01-19 was a Sunday.
        Assert.Equal(new DateTime(2025, 1, 19, 3, 0, 0), weekly.LatestSlot(new DateTime(2025, 1, 25, 23, 0, 0)));
    }

    [Fact]
    public void JobIdFor_SameSlot_IsTheSameValidJobId()
    {
        var slot = Hourly.LatestSlot(new DateTime(2025, 1, 15, 14, 37, 12));

        Assert.Equal("performance-optimizer-20250115140500", Hourly.JobIdFor(slot));
        Assert.Equal(Hourly.JobIdFor(slot), Hourly.JobIdFor(Hourly.LatestSlot(new DateTime(2025, 1, 15, 14, 59, 59))));
        Assert.True(Contracts.ContractNames.IsValidJobId(Hourly.JobIdFor(slot)));
    }

    [Fact]
    public void FromConfiguration_SettingOverridesTheContractDefault()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([new("PerformanceOptimizerSchedule", "0 0 * * * *")]).Build();

        var schedules = RetrainingSchedule.FromConfiguration(configuration);

        Assert.Equal("0 0 * * * *", schedules.Single(s => s.Preset == PresetCatalog.PerformanceOptimizer).Expression);
        Assert.Equal("0 0 2 * * *", schedules.Single(s => s.Preset == PresetCatalog.VisitorBehavior).Expression);
        Assert.Equal("0 */15 * * * *", schedules.Single(s => s.Preset == PresetCatalog.ContentRecommender).Expression);
    }
}

/// <summary>Timer fires against real storage: newest dataset, skip when unchanged, one job per slot, one catch-up run.</summary>
public class ScheduledRetrainingTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private static readonly RetrainingSchedule Hourly = new(PresetCatalog.PerformanceOptimizer, "0 5 * * * *");

    private ScheduledRetraining Retraining => Pipeline.Services(azurite.ConnectionString).GetRequiredService<ScheduledRetraining>();

    [Fact]
    public async Task Fire_SkipsWhenUnchanged_AndTrainsTheNewestDatasetWhenItChanges()
    {
        // One test, in order, because the datasets folder and the current version of the preset are shared state.
        await foreach (var blob in azurite.Storage.Datasets.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, "performance-optimizer/", CancellationToken.None))
        {
            await azurite.Storage.Datasets.DeleteBlobAsync(blob.Name);
        }

        using var webhook = new WebhookListener();
        var notifying = Pipeline.Services(azurite.ConnectionString, new Dictionary<string, string?> { ["Training:Notifications:WebhookUrl"] = webhook.Url }).GetRequiredService<ScheduledRetraining>();
        var empty = await notifying.FireAsync(Hourly, new DateTime(2025, 1, 15, 10, 30, 0));
        Assert.Null(empty.Admission);
        Assert.Contains("no dataset", empty.Plan.SkipReason, StringComparison.Ordinal);
        Assert.Equal(RunStatus.Skipped, (await new RunStore(azurite.Storage).GetAsync("performance-optimizer-20250115100500"))!.Status);
        var skipped = System.Text.Json.JsonDocument.Parse(Assert.Single(webhook.Requests).Body).RootElement;
        Assert.Equal(("networkbuster.training.run.skipped", "performance-optimizer-20250115100500/run.skipped"), (skipped.GetProperty("type").GetString(), skipped.GetProperty("id").GetString()));
        Assert.Contains("no dataset", skipped.GetProperty("data").GetProperty("errorMessage").GetString(), StringComparison.Ordinal);

        await TestData.UploadPerformanceAsync(azurite.Storage, rows: 600, seed: 1);
        await Task.Delay(1100);
        var newest = await TestData.UploadPerformanceAsync(azurite.Storage, rows: 600, seed: 2);
        var fire = await Retraining.FireAsync(Hourly, new DateTime(2025, 1, 15, 11, 30, 0));
        Assert.Equal((AdmissionOutcome.Start, newest, RunTrigger.Timer), (fire.Admission!.Outcome, fire.Plan.Job!.Dataset, (await new RunStore(azurite.Storage).GetAsync(fire.Plan.JobId))!.Trigger));
        var again = await Retraining.FireAsync(Hourly, new DateTime(2025, 1, 15, 11, 59, 0));
        Assert.Equal(fire.Plan.JobId, again.Plan.JobId);

        using (var host = await Pipeline.StartHostAsync(azurite.ConnectionString))
        {
            await azurite.Storage.JobsQueue.SendMessageAsync(NetworkBuster.Training.Jobs.JobMessageWriter.ToJson(fire.Plan.Job! with { Promotion = Contracts.PromotionPolicy.Always }));
            Assert.Equal(RunStatus.Succeeded, (await new RunStore(azurite.Storage).WaitAsync(fire.Plan.JobId, TimeSpan.FromMinutes(3))).Status);
        }

        var unchanged = await Retraining.FireAsync(Hourly, new DateTime(2025, 1, 15, 12, 30, 0));
        Assert.Null(unchanged.Admission);
        Assert.Contains("unchanged", unchanged.Plan.SkipReason, StringComparison.Ordinal);

        var content = (await azurite.Storage.Datasets.GetBlobClient(newest).DownloadContentAsync()).Value.Content;
        await Task.Delay(1100);
        await azurite.Storage.Datasets.GetBlobClient("performance-optimizer/zz-same-content.csv").UploadAsync(content, overwrite: true);
        var renamed = await Retraining.FireAsync(Hourly, new DateTime(2025, 1, 15, 13, 30, 0));
        Assert.Null(renamed.Admission);

        await Task.Delay(1100);
        await azurite.Storage.Datasets.GetBlobClient("performance-optimizer/zz-changed.csv").UploadAsync(BinaryData.FromBytes(Encoding.UTF8.GetBytes(content.ToString() + "2025-02-01T00:00:00Z,/api/users,90,0,10,0.9\n")), overwrite: true);
        var changed = await Retraining.FireAsync(Hourly, new DateTime(2025, 1, 15, 14, 30, 0));
        Assert.Equal("performance-optimizer/zz-changed.csv", changed.Plan.Job!.Dataset);
    }

    [Fact]
    public async Task LocalHostTimers_AfterDowntime_RunOneCatchUpJobPerSchedule_NotAStorm()
    {
        var fresh = new AzuriteFixture();
        await fresh.InitializeAsync();
        try
        {
            await TestData.UploadPerformanceAsync(fresh.Storage, rows: 600);
            var settings = new Dictionary<string, string?>
            {
                // Every minute: a host down for hours has missed many slots.
                ["PerformanceOptimizerSchedule"] = "0 * * * * *",
                ["VisitorBehaviorSchedule"] = "0 0 0 1 1 *",
                ["SustainabilitySchedule"] = "0 0 0 1 1 *",
                ["ContentRecommenderSchedule"] = "0 0 0 1 1 *",
            };
            using (var host = NetworkBuster.Training.Cli.Local.LocalHost.Build(fresh.ConnectionString, Microsoft.Extensions.Logging.LogLevel.Warning, Pipeline.FastSettings(settings), timers: true))
            {
                await host.StartAsync();
                var runs = new RunStore(fresh.Storage);
                var timerRuns = await WaitForAsync(async () => (await runs.ListAsync()).Where(r => r.Trigger == RunTrigger.Timer && r.Model == "performance-optimizer" && r.Status == RunStatus.Succeeded).ToList(), l => l.Count >= 1);
                await Task.Delay(TimeSpan.FromSeconds(2));
                var all = (await runs.ListAsync()).Where(r => r.Trigger == RunTrigger.Timer && r.Model == "performance-optimizer").ToList();
                Assert.True(all.Count <= 2, $"{all.Count} timer runs: {string.Join(", ", all.Select(r => r.JobId))}");
                Assert.Single(await new ModelRegistry(fresh.Storage).ListAsync("performance-optimizer"), r => r.JobId == timerRuns[0].JobId);
                await host.StopAsync();
            }
        }
        finally
        {
            await fresh.DisposeAsync();
        }
    }

    private static async Task<T> WaitForAsync<T>(Func<Task<T>> read, Func<T, bool> done)
    {
        for (int i = 0; i < 600; i++)
        {
            var value = await read();
            if (done(value))
            {
                return value;
            }

            await Task.Delay(250);
        }

        throw new TimeoutException("Condition not reached.");
    }
}
