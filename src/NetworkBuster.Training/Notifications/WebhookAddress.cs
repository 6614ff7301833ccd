using System.Net;

namespace NetworkBuster.Training.Notifications;

/// <summary>
/// The rule for a webhook URL (the <c>Training:Notifications:WebhookUrl</c> setting and a job's <c>notify</c>): an
/// absolute https URL, or http to a loopback address for local listeners; never credentials in the URL.
/// </summary>
public static class WebhookAddress
{
    /// <summary>What a valid URL is, for error messages.</summary>
    public const string Expected = "an absolute https URL (http only to a loopback address such as 127.0.0.1) without user name or password";

    /// <summary>The problem with <paramref name="text"/>, or null when it is a valid webhook URL.</summary>
    /// <param name="text">The URL as given.</param>
    /// <param name="name">The field or setting, named in the message.</param>
    public static string? Problem(string? text, string name)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            return $"'{name}' must be {Expected}, but found {(string.IsNullOrEmpty(text) ? "nothing" : $"\"{Contracts.ContractNames.Truncate(text)}\"")}.";
        }

        // The message never repeats a credential it refuses: it names the address without them.
        string shown = $"{uri.Scheme}://{uri.Host}{(uri.IsDefaultPort ? "" : ":" + uri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture))}{uri.AbsolutePath}";
        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            return $"'{name}' must be {Expected}, but found a user name or password in \"{shown}\": put secrets in Training:Notifications:Secret, not in the URL.";
        }

        if (uri.Scheme == Uri.UriSchemeHttp && !IsLoopback(uri))
        {
            return $"'{name}' must be {Expected}, but found plain http to a non-loopback host: \"{shown}\".";
        }

        return null;
    }

    private static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.DnsSafeHost, out var address) && IPAddress.IsLoopback(address));
}
