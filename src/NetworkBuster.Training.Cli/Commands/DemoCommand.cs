using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using NetworkBuster.Training.Cli.Local;
using NetworkBuster.Training.Presets;
using NetworkBuster.Training.Registry;
using NetworkBuster.Training.Runs;
using NetworkBuster.Training.Cli.Samples;
using Spectre.Console;

namespace NetworkBuster.Training.Cli.Commands;

/// <summary>
/// <c>nbtrain demo</c>: generates a realistic dataset for each of the four presets, uploads them, drops one job per
/// preset on the queue, runs them through the local host and prints each registered version beside its trivial
/// baseline. Starts (and stops) Azurite when no storage is configured.
/// </summary>
internal static class DemoCommand
{
    public static Command Create(CliServices cli)
    {
        var rows = new Option<int>("--rows") { Description = "Rows of generated performance data (the other presets scale with it).", DefaultValueFactory = _ => 20_000 };
        var command = new Command("demo", "Train all four presets end to end: sample data → queue → ingest → train → evaluate → register, then print the registered versions.")
        {
            rows,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(cli.StorageOf(parse), parse.GetValue(rows), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(StorageChoice storage, int rows, CancellationToken cancellationToken)
    {
        await using var session = await PipelineSession.StartAsync(storage, "demo", cancellationToken);
        var stamp = DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        var jobs = new (string Model, Func<MemoryStream> Data, string Size, object? Hyperparameters)[]
        {
            (PresetCatalog.PerformanceOptimizer.Name, () => PerformanceSampleData.ToStream(rows), $"{rows:N0} rows", new { numberOfTrees = 200, learningRate = 0.1 }),
            (PresetCatalog.VisitorBehavior.Name, () => VisitorSampleData.ToStream(Math.Max(400, rows / 10)), $"{Math.Max(400, rows / 10):N0} users", new { numberOfTrees = 100, learningRate = 0.1, horizonDays = 7 }),
            (PresetCatalog.Sustainability.Name, () => SustainabilitySampleData.ToStream(Math.Max(60, rows / 200)), $"{Math.Max(60, rows / 200)} days hourly", null),
            (PresetCatalog.ContentRecommender.Name, () => RecommenderSampleData.ToStream(RatingsShape.Small), "200 users × 300 items", null),
        };
        int failures = 0;
        var summary = new Table().Border(TableBorder.Rounded).Title("[bold]Demo: every preset against its trivial baseline (test split)[/]")
            .AddColumn("Version").AddColumn("Data").AddColumn("Metric").AddColumn(new TableColumn("Model").RightAligned()).AddColumn(new TableColumn("Baseline").RightAligned());
        foreach (var (model, data, size, hyperparameters) in jobs)
        {
            var dataset = $"{model}/demo-{stamp}.csv";
            await using (var csv = data())
            {
                await session.UploadAsync(dataset, csv, cancellationToken);
            }

            var jobId = $"demo-{model.Split('-')[0]}-{stamp}";
            AnsiConsole.MarkupLine($"Uploaded [blue]{dataset}[/] ({size}) and queued job [blue]{jobId}[/].");
            TrainingRunRow run = null!;
            await AnsiConsole.Status().StartAsync($"Waiting for {model}…", async status =>
                run = await session.RunAsync(new { jobId, model, dataset, hyperparameters }, jobId, r => status.Status($"{model} {r.Status}: {r.Step ?? "queued"} ({r.Progress}%)"), cancellationToken));
            if (run.Status != RunStatus.Succeeded)
            {
                AnsiConsole.MarkupLine($"[red]Run {jobId} {run.Status}: {Markup.Escape($"{run.ErrorCode} {run.ErrorMessage}")}[/]");
                failures++;
                continue;
            }

            var version = (await session.Registry.GetAsync(model, run.Version!.Value, cancellationToken))!;
            Output.PrintVersion(version);
            AddSummary(summary, version, size);
        }

        AnsiConsole.Write(summary);
        return failures == 0 ? 0 : 1;
    }

    private static void AddSummary(Table summary, ModelVersionRow version, string size)
    {
        var metrics = JsonSerializer.Deserialize<Dictionary<string, double>>(version.Metrics ?? "{}") ?? [];
        var baselines = JsonSerializer.Deserialize<Dictionary<string, double>>(version.Baselines ?? "{}") ?? [];
        foreach (var (name, value) in metrics.Where(m => baselines.Keys.Any(b => b.StartsWith(m.Key + ".", StringComparison.Ordinal))))
        {
            var (baselineName, baseline) = baselines.First(b => b.Key.StartsWith(name + ".", StringComparison.Ordinal));
            summary.AddRow(
                $"{version.Model}:{version.Version}",
                size,
                name == version.PrimaryMetric ? $"[bold]{name}[/]" : name,
                value.ToString("0.####", CultureInfo.InvariantCulture),
                Markup.Escape($"{baseline.ToString("0.####", CultureInfo.InvariantCulture)} ({baselineName[(name.Length + 1)..]})"));
        }
    }
}
