using Microsoft.Extensions.Configuration;
using NetworkBuster.Training.Storage;

namespace NetworkBuster.Training.Cli.Local;

/// <summary>
/// The storage an <c>nbtrain</c> command was pointed at: <c>--connection</c>, else <c>--account-name</c> (identity-based),
/// else whatever <c>AzureWebJobsStorage</c> in the environment says. Every command resolves storage through this one
/// type, and the settings it yields are read by <see cref="StorageConnection"/>, the core's only resolver.
/// </summary>
/// <param name="Connection">A connection string from <c>--connection</c>.</param>
/// <param name="AccountName">A storage account name from <c>--account-name</c>.</param>
internal sealed record StorageChoice(string? Connection, string? AccountName)
{
    /// <summary>The settings the options imply (none when neither was given).</summary>
    public Dictionary<string, string?> Settings()
    {
        var settings = new Dictionary<string, string?>();
        if (Connection is { Length: > 0 })
        {
            settings[StorageNames.ConnectionSetting] = Connection;
        }
        else if (AccountName is { Length: > 0 })
        {
            settings[StorageNames.ConnectionSetting + ":accountName"] = AccountName;
        }

        return settings;
    }

    /// <summary>Whether the options or the environment configure storage (otherwise the command starts Azurite).</summary>
    public bool IsConfigured => StorageConnection.IsConfigured(new ConfigurationBuilder().AddEnvironmentVariables().AddInMemoryCollection(Settings()).Build());

    /// <summary>The settings, with <paramref name="extra"/> added.</summary>
    public Dictionary<string, string?> SettingsWith(IEnumerable<KeyValuePair<string, string?>> extra)
    {
        var settings = Settings();
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        return settings;
    }
}
