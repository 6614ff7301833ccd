using Azure.Core;
using Azure.Identity;
using Microsoft.Extensions.Configuration;

namespace NetworkBuster.Training.Storage;

/// <summary>
/// Reads <c>AzureWebJobsStorage</c> the way Azure Functions does: a connection string, or the
/// identity-based form (<c>__accountName</c>, or <c>__blobServiceUri</c>/<c>__queueServiceUri</c>/<c>__tableServiceUri</c>,
/// with <c>__credential</c>=managedidentity and <c>__clientId</c>) using Entra ID, never an account key.
/// </summary>
public static class StorageConnection
{
    /// <summary>Whether the configuration names a storage account in any supported form.</summary>
    public static bool IsConfigured(IConfiguration configuration, string setting = StorageNames.ConnectionSetting)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(setting);
        return !string.IsNullOrWhiteSpace(section.Value)
            || !string.IsNullOrWhiteSpace(section["accountName"])
            || !string.IsNullOrWhiteSpace(section["blobServiceUri"]);
    }

    /// <summary>Creates the storage clients from configuration.</summary>
    /// <param name="configuration">App settings, environment variables, command-line values.</param>
    /// <param name="setting">The connection setting name.</param>
    /// <returns>The clients.</returns>
    /// <exception cref="InvalidOperationException">When no form of the setting is present, naming the forms accepted.</exception>
    public static StorageClients Create(IConfiguration configuration, string setting = StorageNames.ConnectionSetting)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        int retries = int.TryParse(configuration["Training:Storage:MaxRetries"], out int r) ? r : StorageClients.DefaultMaxRetries;
        return Resolve(
            configuration,
            connectionString => StorageClients.FromConnectionString(connectionString, retries),
            (blob, queue, table, credential) => StorageClients.FromEndpoints(blob, queue, table, credential, retries),
            setting);
    }

    /// <summary>
    /// The one place the setting is read: hands a connection string or the three endpoints and their credential to
    /// whichever client the caller builds (the pipeline's <see cref="StorageClients"/>, the Durable engine's provider).
    /// </summary>
    /// <exception cref="InvalidOperationException">When storage is not configured (the message says how to).</exception>
    public static T Resolve<T>(IConfiguration configuration, Func<string, T> fromConnectionString, Func<Uri, Uri, Uri, TokenCredential, T> fromEndpoints, string setting = StorageNames.ConnectionSetting)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(fromConnectionString);
        ArgumentNullException.ThrowIfNull(fromEndpoints);
        var section = configuration.GetSection(setting);
        if (!string.IsNullOrWhiteSpace(section.Value))
        {
            return fromConnectionString(section.Value);
        }

        var (blob, queue, table, credential) = Endpoints(configuration, setting);
        return fromEndpoints(blob, queue, table, credential);
    }

    /// <summary>The service endpoints and credential of an identity-based connection.</summary>
    /// <exception cref="InvalidOperationException">When the setting names neither an account nor endpoints.</exception>
    private static (Uri Blob, Uri Queue, Uri Table, TokenCredential Credential) Endpoints(IConfiguration configuration, string setting = StorageNames.ConnectionSetting)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(setting);
        var credential = CreateCredential(section["credential"], section["clientId"]);
        if (section["accountName"] is { Length: > 0 } account)
        {
            return (
                new Uri($"https://{account}.blob.core.windows.net"),
                new Uri($"https://{account}.queue.core.windows.net"),
                new Uri($"https://{account}.table.core.windows.net"),
                credential);
        }

        if (section["blobServiceUri"] is { Length: > 0 } blob)
        {
            return (
                new Uri(blob),
                new Uri(section["queueServiceUri"] ?? throw Missing(setting, "queueServiceUri")),
                new Uri(section["tableServiceUri"] ?? throw Missing(setting, "tableServiceUri")),
                credential);
        }

        throw new InvalidOperationException(
            $"Storage is not configured: set '{setting}' to a connection string (UseDevelopmentStorage=true for Azurite), " +
            $"or '{setting}__accountName' (identity-based, DefaultAzureCredential), or '{setting}__blobServiceUri', '__queueServiceUri' and '__tableServiceUri'.");
    }

    private static TokenCredential CreateCredential(string? kind, string? clientId) =>
        string.Equals(kind, "managedidentity", StringComparison.OrdinalIgnoreCase)
            ? new ManagedIdentityCredential(string.IsNullOrEmpty(clientId) ? ManagedIdentityId.SystemAssigned : ManagedIdentityId.FromUserAssignedClientId(clientId))
            : new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = clientId });

    private static InvalidOperationException Missing(string setting, string key) =>
        new($"'{setting}__blobServiceUri' is set, so '{setting}__{key}' is required too, but it is missing.");
}
