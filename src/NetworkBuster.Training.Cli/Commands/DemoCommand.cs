using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NetworkBuster.Training.Cli.Local;
using NetworkBuster.Training.Presets;
using NetworkBuster.Training.Registry;
using NetworkBuster.Training.Runs;
using NetworkBuster.Training.Samples;
using NetworkBuster.Training.Storage;
using Spectre.Console;

namespace NetworkBuster.Training.Cli.Commands;

/// <summary>
/// <c>nbtrain demo</c>: generates a realistic dataset, uploads it, drops a job on the queue, runs it through the
/// local host and prints the registered version. Starts (and stops) Azurite when no storage is configured.
/// </summary>
internal static class DemoCommand
{
    public static Command Create(Option<string?> connection)
    {
        var rows = new Option<int>("--rows") { Description = "Rows of generated data.", DefaultValueFactory = _ => 20_000 };
        var command = new Command("demo", "Run the main job end to end: sample data → queue → ingest → train → evaluate → register, then print the registered version.")
        {
            rows,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(parse.GetValue(connection), parse.GetValue(rows), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(string? connection, int rows, CancellationToken cancellationToken)
    {
        AzuriteServer? azurite = null;
        if (!LocalHost.IsStorageConfigured(connection))
        {
            AnsiConsole.MarkupLine("[grey]No AzureWebJobsStorage set: starting Azurite (in-memory) for this demo.[/]");
            azurite = await AzuriteServer.StartEphemeralAsync(Console.Out, cancellationToken);
            connection = azurite.ConnectionString;
        }

        await using (azurite)
        {
            using var host = LocalHost.Build(connection, LogLevel.Warning);
            await host.StartAsync(cancellationToken);
            try
            {
                return await RunJobAsync(host, rows, cancellationToken);
            }
            finally
            {
                await host.StopAsync(CancellationToken.None);
            }
        }
    }

    private static async Task<int> RunJobAsync(IHost host, int rows, CancellationToken cancellationToken)
    {
        var storage = (StorageClients)host.Services.GetService(typeof(StorageClients))!;
        var runs = (RunStore)host.Services.GetService(typeof(RunStore))!;
        var registry = (ModelRegistry)host.Services.GetService(typeof(ModelRegistry))!;
        await storage.EnsureCreatedAsync(cancellationToken);
        var model = PresetCatalog.PerformanceOptimizer.Name;
        var stamp = DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        var dataset = $"{model}/demo-{stamp}.csv";
        await using (var csv = PerformanceSampleData.ToStream(rows))
        {
            await storage.Datasets.GetBlobClient(dataset).UploadAsync(csv, overwrite: true, cancellationToken);
        }

        var jobId = $"demo-{stamp}";
        var message = JsonSerializer.Serialize(new { jobId, model, dataset, trainer = "fasttree", hyperparameters = new { numberOfTrees = 200, learningRate = 0.1 } });
        await storage.JobsQueue.SendMessageAsync(message, cancellationToken);
        AnsiConsole.MarkupLine($"Uploaded [blue]{dataset}[/] ({rows:N0} rows) and queued job [blue]{jobId}[/].");

        TrainingRunRow run = null!;
        await AnsiConsole.Status().StartAsync("Waiting for the host…", async status =>
        {
            run = await runs.WaitAsync(
                jobId,
                TimeSpan.FromMinutes(15),
                r => status.Status($"{r.Status}: {r.Step ?? "queued"} ({r.Progress}%)"),
                cancellationToken);
        });

        if (run.Status != RunStatus.Succeeded)
        {
            AnsiConsole.MarkupLine($"[red]Run {jobId} {run.Status}: {Markup.Escape($"{run.ErrorCode} {run.ErrorMessage}")}[/]");
            return 1;
        }

        var version = await registry.GetAsync(model, run.Version!.Value, cancellationToken);
        Output.PrintVersion(version!);
        return 0;
    }
}
