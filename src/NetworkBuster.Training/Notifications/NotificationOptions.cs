namespace NetworkBuster.Training.Notifications;

/// <summary>Settings under <c>Training:Notifications</c>: where run events go and how they are signed and retried.</summary>
public sealed class NotificationOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Training:Notifications";

    /// <summary>Receives every run's events (null: only jobs with <c>notify</c> are told).</summary>
    public string? WebhookUrl { get; set; }

    /// <summary>When set, each POST carries <c>X-NetworkBuster-Signature: sha256=&lt;HMAC-SHA256 of the body, hex&gt;</c>.</summary>
    public string? Secret { get; set; }

    /// <summary>How long one POST may take.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The wait before the first retry; it doubles before each of the next.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Retries after a failed POST (a 5xx, 408, 429, a timeout or a refused connection).</summary>
    public const int Retries = 3;

    /// <summary>Problems with the values, each naming the setting.</summary>
    public IEnumerable<string> Validate()
    {
        if (!string.IsNullOrEmpty(WebhookUrl) && WebhookAddress.Problem(WebhookUrl, $"{Section}:{nameof(WebhookUrl)}") is { } problem)
        {
            yield return problem;
        }

        if (Timeout < TimeSpan.FromSeconds(1) || Timeout > TimeSpan.FromMinutes(1))
        {
            yield return $"'{Section}:{nameof(Timeout)}' must be between 00:00:01 and 00:01:00, but found {Timeout}.";
        }

        if (RetryDelay < TimeSpan.Zero || RetryDelay > TimeSpan.FromMinutes(1))
        {
            yield return $"'{Section}:{nameof(RetryDelay)}' must be between 00:00:00 and 00:01:00, but found {RetryDelay}.";
        }
    }
}
