using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NetworkBuster.Training.Cli.Local;
using NetworkBuster.Training.Registry;
using NetworkBuster.Training.Runs;
using NetworkBuster.Training.Storage;
using Spectre.Console;

namespace NetworkBuster.Training.Cli.Commands;

/// <summary>
/// The normal pipeline for a command: storage (Azurite, in memory, when none is configured), the local host, and
/// jobs sent as queue messages and awaited through their run rows.
/// </summary>
internal sealed class PipelineSession : IAsyncDisposable
{
    private readonly AzuriteServer? _azurite;
    private readonly IHost _host;

    private PipelineSession(AzuriteServer? azurite, IHost host)
    {
        _azurite = azurite;
        _host = host;
        Storage = (StorageClients)host.Services.GetService(typeof(StorageClients))!;
        Runs = (RunStore)host.Services.GetService(typeof(RunStore))!;
        Registry = (ModelRegistry)host.Services.GetService(typeof(ModelRegistry))!;
    }

    public StorageClients Storage { get; }

    public RunStore Runs { get; }

    public ModelRegistry Registry { get; }

    public static async Task<PipelineSession> StartAsync(StorageChoice storage, string purpose, CancellationToken cancellationToken)
    {
        AzuriteServer? azurite = null;
        string? connection = null;
        if (!storage.IsConfigured)
        {
            AnsiConsole.MarkupLine($"[grey]No AzureWebJobsStorage set: starting Azurite (in-memory) for this {Markup.Escape(purpose)}.[/]");
            azurite = await AzuriteServer.StartEphemeralAsync(Console.Out, cancellationToken);
            connection = azurite.ConnectionString;
        }

        var host = LocalHost.Build(connection, LogLevel.Warning, storage.Settings());
        await host.StartAsync(cancellationToken);
        var session = new PipelineSession(azurite, host);
        await session.Storage.EnsureCreatedAsync(cancellationToken);
        return session;
    }

    public async Task UploadAsync(string blob, Stream content, CancellationToken cancellationToken) =>
        await Storage.Datasets.GetBlobClient(blob).UploadAsync(content, overwrite: true, cancellationToken);

    /// <summary>Queues a job message and waits for its run to end.</summary>
    public async Task<TrainingRunRow> RunAsync(object message, string jobId, Action<TrainingRunRow>? onChange, CancellationToken cancellationToken)
    {
        await Storage.JobsQueue.SendMessageAsync(JsonSerializer.Serialize(message), cancellationToken);
        return await Runs.WaitAsync(jobId, TimeSpan.FromMinutes(30), onChange, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync(CancellationToken.None);
        _host.Dispose();
        if (_azurite is not null)
        {
            await _azurite.DisposeAsync();
        }
    }
}
