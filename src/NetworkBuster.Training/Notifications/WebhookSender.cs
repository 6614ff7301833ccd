using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;

namespace NetworkBuster.Training.Notifications;

/// <summary>
/// POSTs <see cref="TrainingEvent"/>s as CloudEvents 1.0 (structured JSON) to the configured webhook and a job's own
/// <c>notify</c> URL, signed when a secret is set, retried with backoff. Never throws: a webhook that is down must
/// not fail or hold up the job it reports on.
/// </summary>
public sealed class WebhookSender : IDisposable
{
    /// <summary>The header carrying <c>sha256=&lt;hex HMAC-SHA256 of the body&gt;</c> when a secret is set.</summary>
    public const string SignatureHeader = "X-NetworkBuster-Signature";

    /// <summary>The CloudEvents <c>source</c> of every event.</summary>
    public const string Source = "/networkbuster/training";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    private readonly NotificationOptions _options;
    private readonly ILogger<WebhookSender> _logger;
    private readonly HttpClient _http;

    /// <summary>Creates the sender.</summary>
    /// <param name="options">Where and how.</param>
    /// <param name="logger">Logger.</param>
    public WebhookSender(NotificationOptions options, ILogger<WebhookSender> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        (_options, _logger) = (options, logger);

        // No redirects: a webhook that answers 3xx is not followed to an address nobody validated.
        _http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = options.Timeout };
    }

    /// <summary>The CloudEvent JSON of an event.</summary>
    public static string Envelope(TrainingEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return JsonSerializer.Serialize(
            new
            {
                specversion = "1.0",
                id = e.Id,
                source = Source,
                type = e.Type,
                subject = e.Version is { } v ? $"{e.Model}:{v.ToString(System.Globalization.CultureInfo.InvariantCulture)}" : e.Model,
                time = e.Time,
                datacontenttype = "application/json",
                data = e,
            },
            Json);
    }

    /// <summary>The signature header's value for a body.</summary>
    public static string Sign(string secret, string body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(body)));

    /// <summary>Sends each event to the webhook setting and to <paramref name="jobTarget"/>; the deliveries that succeeded.</summary>
    public async Task<int> SendAsync(IReadOnlyList<TrainingEvent> events, string? jobTarget, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        var targets = new[] { _options.WebhookUrl, jobTarget }.Where(t => !string.IsNullOrEmpty(t)).Distinct(StringComparer.Ordinal).ToList();
        int delivered = 0;
        foreach (var e in events)
        {
            string body = Envelope(e);
            foreach (var target in targets)
            {
                if (WebhookAddress.Problem(target, "notify") is { } problem)
                {
                    _logger.LogWarning("Not sending {EventType} for {JobId}: {Problem}", e.Type, e.JobId, problem);
                    continue;
                }

                delivered += await PostAsync(new Uri(target!), e, body, cancellationToken) ? 1 : 0;
            }
        }

        return delivered;
    }

    private async Task<bool> PostAsync(Uri target, TrainingEvent e, string body, CancellationToken cancellationToken)
    {
        for (int attempt = 0; ; attempt++)
        {
            string outcome;
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, target) { Content = new StringContent(body, Encoding.UTF8) };
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/cloudevents+json") { CharSet = "utf-8" };
                if (!string.IsNullOrEmpty(_options.Secret))
                {
                    request.Headers.Add(SignatureHeader, Sign(_options.Secret, body));
                }

                using var response = await _http.SendAsync(request, cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    _logger.LogInformation("Sent {EventType} for {JobId} to {Host} (attempt {Attempt})", e.Type, e.JobId, target.Host, attempt + 1);
                    return true;
                }

                outcome = $"HTTP {(int)response.StatusCode}";
                if (!IsTransient(response.StatusCode))
                {
                    _logger.LogWarning("Webhook {Host} refused {EventType} for {JobId} with {Outcome}; not retried", target.Host, e.Type, e.JobId, outcome);
                    return false;
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return false;
            }
            catch (Exception ex)
            {
                // Whatever went wrong with this webhook is its problem, not the job's: log it and retry or give up.
                outcome = ex is TaskCanceledException ? $"no answer within {_options.Timeout}" : $"{ex.GetType().Name}: {ex.Message}";
            }

            if (attempt >= NotificationOptions.Retries)
            {
                _logger.LogWarning("Gave up sending {EventType} for {JobId} to {Host} after {Attempts} attempts: {Outcome}", e.Type, e.JobId, target.Host, attempt + 1, outcome);
                return false;
            }

            try
            {
                await Task.Delay(_options.RetryDelay * Math.Pow(2, attempt), cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }
    }

    private static bool IsTransient(HttpStatusCode status) => status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)status >= 500;

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();
}
