using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using NetworkBuster.Training.Contracts;
using NetworkBuster.Training.Jobs;
using NetworkBuster.Training.Notifications;
using NetworkBuster.Training.Tests.Infrastructure;

namespace NetworkBuster.Training.Tests.Notifications;

/// <summary>CloudEvents to a real HTTP listener on loopback: shape, signature, retry with backoff, and never a throw.</summary>
public class WebhookSenderTests
{
    private static readonly TrainingEvent Succeeded = new(TrainingEventTypes.RunSucceeded, "job-7", "churn", new DateTimeOffset(2026, 12, 6, 2, 0, 0, TimeSpan.Zero))
    {
        Version = 3,
        Status = "Succeeded",
        PrimaryMetric = "AUC",
        PrimaryMetricValue = 0.91,
        Decision = "current: beats v2",
        Links = new Dictionary<string, string> { ["report"] = "ml-models/churn/v3/report.html" },
    };

    private static WebhookSender Sender(string? url, string? secret = null) =>
        new(new NotificationOptions { WebhookUrl = url, Secret = secret, RetryDelay = TimeSpan.FromMilliseconds(100), Timeout = TimeSpan.FromSeconds(2) }, NullLogger<WebhookSender>.Instance);

    [Fact]
    public async Task Send_PostsASignedCloudEvent()
    {
        using var listener = new WebhookListener();
        using var sender = Sender(listener.Url, secret: "s3cret");

        Assert.Equal(1, await sender.SendAsync([Succeeded], null, CancellationToken.None));

        var received = Assert.Single(listener.Requests);
        Assert.Equal(("POST", "application/cloudevents+json; charset=utf-8"), (received.Method, received.ContentType));
        Assert.Equal(WebhookSender.Sign("s3cret", received.Body), received.Signature);
        Assert.NotEqual(WebhookSender.Sign("other", received.Body), received.Signature);
        var e = JsonDocument.Parse(received.Body).RootElement;
        Assert.Equal(("1.0", TrainingEventTypes.RunSucceeded, WebhookSender.Source, "job-7/run.succeeded/v3", "churn:3"),
            (e.GetProperty("specversion").GetString(), e.GetProperty("type").GetString(), e.GetProperty("source").GetString(), e.GetProperty("id").GetString(), e.GetProperty("subject").GetString()));
        var data = e.GetProperty("data");
        Assert.Equal(("job-7", "churn", 3, 0.91), (data.GetProperty("jobId").GetString(), data.GetProperty("model").GetString(), data.GetProperty("version").GetInt32(), data.GetProperty("primaryMetricValue").GetDouble()));
        Assert.Equal("ml-models/churn/v3/report.html", data.GetProperty("links").GetProperty("report").GetString());
        Assert.False(data.TryGetProperty("errorCode", out _));
    }

    [Fact]
    public async Task Send_TransientFailures_AreRetriedWithGrowingBackoff()
    {
        using var listener = new WebhookListener(HttpStatusCode.ServiceUnavailable, HttpStatusCode.TooManyRequests);
        using var sender = Sender(listener.Url);

        Assert.Equal(1, await sender.SendAsync([Succeeded], null, CancellationToken.None));

        var requests = listener.Requests.ToList();
        Assert.Equal([HttpStatusCode.ServiceUnavailable, HttpStatusCode.TooManyRequests, HttpStatusCode.OK], requests.Select(r => r.Answer));
        Assert.Single(requests.Select(r => r.Body).Distinct());
        Assert.True(requests[1].At - requests[0].At >= TimeSpan.FromMilliseconds(90), $"first retry after {(requests[1].At - requests[0].At).TotalMilliseconds} ms");
        Assert.True(requests[2].At - requests[1].At >= TimeSpan.FromMilliseconds(190), $"second retry after {(requests[2].At - requests[1].At).TotalMilliseconds} ms");
    }

    [Fact]
    public async Task Send_DownForEveryAttempt_GivesUpAfterThreeRetriesWithoutThrowing()
    {
        using var listener = new WebhookListener([.. Enumerable.Repeat(HttpStatusCode.InternalServerError, 10)]);
        using var sender = Sender(listener.Url);

        Assert.Equal(0, await sender.SendAsync([Succeeded], null, CancellationToken.None));
        Assert.Equal(1 + NotificationOptions.Retries, listener.Requests.Count);
    }

    [Fact]
    public async Task Send_ClientError_IsNotRetried()
    {
        using var listener = new WebhookListener(HttpStatusCode.BadRequest);
        using var sender = Sender(listener.Url);

        Assert.Equal(0, await sender.SendAsync([Succeeded], null, CancellationToken.None));
        Assert.Single(listener.Requests);
    }

    [Fact]
    public async Task Send_NothingListening_ReturnsZero()
    {
        string url;
        using (var closed = new WebhookListener())
        {
            url = closed.Url;
        }

        using var sender = Sender(url);

        Assert.Equal(0, await sender.SendAsync([Succeeded], null, CancellationToken.None));
    }

    [Fact]
    public async Task Send_SettingAndJobTarget_BothReceiveEveryEvent()
    {
        using var all = new WebhookListener();
        using var job = new WebhookListener();
        using var sender = Sender(all.Url);

        Assert.Equal(4, await sender.SendAsync([Succeeded, Succeeded with { Type = TrainingEventTypes.VersionPromoted }], job.Url, CancellationToken.None));
        Assert.Equal((2, 2), (all.Requests.Count, job.Requests.Count));
    }

    [Theory]
    [InlineData("https://hooks.example.com/t?code=abc", true)]
    [InlineData("http://127.0.0.1:8080/hook", true)]
    [InlineData("http://localhost/hook", true)]
    [InlineData("http://[::1]:9000/", true)]
    [InlineData("http://hooks.example.com/t", false)]
    [InlineData("ftp://hooks.example.com/t", false)]
    [InlineData("/relative/hook", false)]
    [InlineData("", false)]
    public void Address_HttpsOrLoopback(string url, bool valid) => Assert.Equal(valid, WebhookAddress.Problem(url, "notify") is null);

    [Fact]
    public void Address_WithCredentials_IsRefusedWithoutRepeatingThem()
    {
        var problem = WebhookAddress.Problem("https://bot:hunter2@hooks.example.com/t", "notify");

        Assert.NotNull(problem);
        Assert.Contains("user name or password", problem, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_BadWebhookUrl_NamesTheSetting() =>
        Assert.Contains("Training:Notifications:WebhookUrl", Assert.Single(new NotificationOptions { WebhookUrl = "http://example.com/x" }.Validate()), StringComparison.Ordinal);

    [Fact]
    public void Message_Notify_IsValidatedAndKept()
    {
        const string Message = """{"jobId":"n-1","model":"performance-optimizer","dataset":"performance-optimizer/a.csv","notify":"https://hooks.example.com/t"}""";
        Assert.Equal("https://hooks.example.com/t", JobMessageParser.Parse(Message, "m").Job!.Notify);

        var refused = JobMessageParser.Parse(Message.Replace("https://", "http://", StringComparison.Ordinal), "m");
        Assert.Equal(ErrorCode.InvalidMessage, refused.Failure!.Code);
        Assert.Contains("'notify' must be an absolute https URL", refused.Failure.Message, StringComparison.Ordinal);
    }
}
