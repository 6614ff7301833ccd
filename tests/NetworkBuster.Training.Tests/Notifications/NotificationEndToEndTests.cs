using System.Net;
using System.Text.Json;
using NetworkBuster.Training.Notifications;
using NetworkBuster.Training.Runs;
using NetworkBuster.Training.Tests.Infrastructure;

namespace NetworkBuster.Training.Tests.Notifications;

/// <summary>
/// Jobs through the queue and the local host's real Durable engine tell a real HTTP listener how they ended: the
/// webhook setting hears every run (signed, retried after a 503), a job's <c>notify</c> URL hears that job.
/// </summary>
[Trait("Tier", "Integration")]
public class NotificationEndToEndTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    [Fact]
    public async Task Runs_NotifyTheWebhookAndTheJobsUrl_WithRetry_AndNeverWaitForThem()
    {
        using var everyRun = new WebhookListener(HttpStatusCode.ServiceUnavailable);
        using var jobOnly = new WebhookListener();
        var dataset = await TestData.UploadPerformanceAsync(azurite.Storage, rows: 800);
        var (good, bad) = (TestData.Unique("hook-ok"), TestData.Unique("hook-bad"));
        using var host = await Pipeline.StartHostAsync(azurite.ConnectionString, new Dictionary<string, string?>
        {
            ["Training:Notifications:WebhookUrl"] = everyRun.Url,
            ["Training:Notifications:Secret"] = "test-secret",
            ["Training:Notifications:RetryDelay"] = "00:00:00.200",
        });

        await azurite.Storage.JobsQueue.SendMessageAsync(JsonSerializer.Serialize(new { jobId = good, model = "performance-optimizer", dataset, hyperparameters = new { numberOfTrees = 30 }, notify = jobOnly.Url }));
        await azurite.Storage.JobsQueue.SendMessageAsync(JsonSerializer.Serialize(new { jobId = bad, model = "performance-optimizer", dataset = "performance-optimizer/no-such.csv" }));
        var runs = new RunStore(azurite.Storage);
        var succeeded = await runs.WaitAsync(good, JobRunner.RunTimeout);
        var failed = await runs.WaitAsync(bad, JobRunner.RunTimeout);
        Assert.Equal((RunStatus.Succeeded, RunStatus.Failed), (succeeded.Status, failed.Status));

        static IEnumerable<JsonElement> Delivered(List<WebhookListener.Received> requests) =>
            requests.Where(r => r.Answer == HttpStatusCode.OK).Select(r => JsonDocument.Parse(r.Body).RootElement);
        var all = await everyRun.WaitAsync(r => Delivered(r).Count() >= 3, TimeSpan.FromSeconds(60));
        var events = Delivered(all).ToList();
        Assert.Equal(
            new[] { $"{good}/run.succeeded/v{succeeded.Version}", $"{good}/version.promoted/v{succeeded.Version}", $"{bad}/run.failed" }.Order(StringComparer.Ordinal),
            events.Select(e => e.GetProperty("id").GetString()).Order(StringComparer.Ordinal));

        // The first POST got a 503 and was sent again, the same event.
        Assert.Equal(HttpStatusCode.ServiceUnavailable, all[0].Answer);
        Assert.Contains(all.Skip(1), r => r.Body == all[0].Body);
        Assert.All(all, r => Assert.Equal(WebhookSender.Sign("test-secret", r.Body), r.Signature));

        var ok = events.Single(e => e.GetProperty("type").GetString() == TrainingEventTypes.RunSucceeded).GetProperty("data");
        Assert.Equal(("Succeeded", "RMSE", succeeded.Version), (ok.GetProperty("status").GetString(), ok.GetProperty("primaryMetric").GetString(), ok.GetProperty("version").GetInt32()));
        Assert.StartsWith("current: ", ok.GetProperty("decision").GetString(), StringComparison.Ordinal);
        Assert.Equal($"ml-models/performance-optimizer/v{succeeded.Version}/report.html", ok.GetProperty("links").GetProperty("report").GetString());
        var ko = events.Single(e => e.GetProperty("type").GetString() == TrainingEventTypes.RunFailed).GetProperty("data");
        Assert.Equal(("Failed", "DatasetNotFound"), (ko.GetProperty("status").GetString(), ko.GetProperty("errorCode").GetString()));
        Assert.Contains("no-such.csv", ko.GetProperty("errorMessage").GetString(), StringComparison.Ordinal);

        // The job's own URL hears that job only.
        var mine = await jobOnly.WaitAsync(r => r.Count >= 2, TimeSpan.FromSeconds(30));
        Assert.All(mine, r => Assert.Equal(good, JsonDocument.Parse(r.Body).RootElement.GetProperty("data").GetProperty("jobId").GetString()));
    }
}
