using NetworkBuster.Training.Cli.Local;
using NetworkBuster.Training.Storage;

namespace NetworkBuster.Training.Tests.Infrastructure;

/// <summary>A real Azurite (in-memory, free ports, a key made for this run) per test class, stopped afterwards.</summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private AzuriteServer? _server;

    public string ConnectionString => _server?.ConnectionString ?? throw new InvalidOperationException("Azurite is not started.");

    public StorageClients Storage { get; private set; } = null!;

    public AzuriteServer Server => _server!;

    public async Task InitializeAsync()
    {
        _server = await AzuriteServer.StartEphemeralAsync();
        Storage = StorageClients.FromConnectionString(ConnectionString);
        await Storage.EnsureCreatedAsync();
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
