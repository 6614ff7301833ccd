using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NetworkBuster.Training.Cli.Benchmarks;
using NetworkBuster.Training.Cli.Commands.Bench;
using NetworkBuster.Training.Cli.Local;
using NetworkBuster.Training.Cli.Local.Http;
using NetworkBuster.Training.Orchestration;
using NetworkBuster.Training.Datasets;
using NetworkBuster.Training.Steps;
using NetworkBuster.Training.Storage;
using Spectre.Console;

namespace NetworkBuster.Training.Cli.Commands;

/// <summary>
/// <c>nbtrain bench</c>: generates data, measures ingest, pipeline overhead, trainers, memory and host latency, and
/// prints each figure beside a reference measured in the same run, as a ratio.
/// </summary>
internal static class BenchCommand
{
    private static readonly Option<bool> Quick = new("--quick") { Description = "Tiny sizes for CI (ingest 5 MB, 20k rows, a 2k-row memory check, 5 latency jobs, 10 small jobs)." };
    private static readonly Option<string> Groups = new("--groups") { Description = "Groups to run: " + string.Join(",", BenchSettings.AllGroups) + ".", DefaultValueFactory = _ => string.Join(",", BenchSettings.AllGroups) };
    private static readonly Option<FileInfo?> OutputFile = new("--output") { Description = "Also write the results as a markdown table (with machine info) to this file." };
    private static readonly Option<string?> IngestMb = new("--ingest-mb") { Description = "CSV sizes for the ingest group, in MB (default 100,1000)." };
    private static readonly Option<int?> Rows = new("--rows") { Description = "Rows for the overhead and trainers groups (default 1,000,000)." };
    private static readonly Option<string?> MemoryRows = new("--memory-rows") { Description = "Row counts for the memory group, one child process each (default 1000000,10000000)." };
    private static readonly Option<int?> LatencyJobs = new("--latency-jobs") { Description = "Sequential 10k-row jobs for p50/p95 (default 20)." };
    private static readonly Option<int?> SmallJobs = new("--small-jobs") { Description = "Small jobs enqueued at once for jobs per minute (default 100)." };
    private static readonly Option<int> Concurrency = new("--concurrency") { Description = "The host's concurrent jobs (Training:Host:MaxConcurrentJobs).", DefaultValueFactory = _ => 1 };

    public static Command Create(CliServices cli)
    {
        var command = new Command("bench", "Benchmark ingest, pipeline overhead, trainers, memory and host latency against references measured in the same run. Starts Azurite unless storage is configured.")
        {
            Quick, Groups, OutputFile, IngestMb, Rows, MemoryRows, LatencyJobs, SmallJobs, Concurrency,
            MemoryBenchmark.CreateProbeCommand(),
        };
        command.SetAction((parse, cancellationToken) => RunAsync(parse, cli.StorageOf(parse), cancellationToken));
        return command;
    }

    private static BenchSettings Settings(ParseResult parse)
    {
        var groups = parse.GetValue(Groups)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.OrdinalIgnoreCase);
        if (groups.FirstOrDefault(g => !BenchSettings.AllGroups.Contains(g)) is { } unknown)
        {
            throw new ArgumentException($"--groups takes {string.Join(",", BenchSettings.AllGroups)}, but found \"{unknown}\".");
        }

        var s = parse.GetValue(Quick) ? BenchSettings.Quick(groups) : BenchSettings.Full(groups);
        static List<int> Ints(string text) => [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(t => int.Parse(t, NumberStyles.Integer, CultureInfo.InvariantCulture))];
        return s with
        {
            IngestMegabytes = parse.GetValue(IngestMb) is { } mb ? Ints(mb) : s.IngestMegabytes,
            Rows = parse.GetValue(Rows) ?? s.Rows,
            MemoryRows = parse.GetValue(MemoryRows) is { } mr ? Ints(mr) : s.MemoryRows,
            LatencyJobs = parse.GetValue(LatencyJobs) ?? s.LatencyJobs,
            SmallJobs = parse.GetValue(SmallJobs) ?? s.SmallJobs,
            Concurrency = parse.GetValue(Concurrency),
        };
    }

    private static async Task<int> RunAsync(ParseResult parse, StorageChoice choice, CancellationToken cancellationToken)
    {
        BenchSettings settings;
        try
        {
            settings = Settings(parse);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or OverflowException)
        {
            Console.Error.WriteLine("error: " + ex.Message);
            return ExitCodes.InvalidInput;
        }

        var watch = Stopwatch.StartNew();
        var machine = MachineInfo.Current();
        AzuriteServer? azurite = null;
        string? connection = null;
        if (!choice.IsConfigured)
        {
            Progress("No AzureWebJobsStorage or --connection: starting Azurite (in-memory) for this run.");
            azurite = await AzuriteServer.StartEphemeralAsync(Console.Out, cancellationToken);
            connection = azurite.ConnectionString;
        }

        var figures = new List<BenchmarkFigure>();
        var recommendations = new List<string>();
        int failures = 0;
        await using (azurite)
        {
            int httpPort = settings.Runs(BenchSettings.Predict) ? LoopbackPort.Free() : 0;
            var httpKey = Guid.NewGuid().ToString("N");
            var hostSettings = choice.SettingsWith(
            [
                new("Training:Host:MaxConcurrentJobs", settings.Concurrency.ToString(CultureInfo.InvariantCulture)),
                new($"{LocalHttpOptions.Section}:Port", httpPort.ToString(CultureInfo.InvariantCulture)),
                new($"{LocalHttpOptions.Section}:Key", httpKey),
            ]);
            using var host = LocalHost.Build(connection, LogLevel.Warning, hostSettings);
            var services = host.Services;
            var storage = services.GetRequiredService<StorageClients>();
            await storage.EnsureCreatedAsync(cancellationToken);

            async Task Group(string name, Func<Task> body)
            {
                if (!settings.Runs(name))
                {
                    return;
                }

                try
                {
                    await body();
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    failures++;
                    AnsiConsole.MarkupLine($"[red]{name} failed:[/] {Markup.Escape(ex.Message)}");
                }
            }

            await Group(BenchSettings.Ingest, async () =>
            {
                var bench = new IngestBenchmark(storage, services.GetRequiredService<DatasetIngestor>(), services.GetRequiredService<SnapshotStore>());
                foreach (int mb in settings.IngestMegabytes)
                {
                    Progress($"ingest: {mb} MB CSV (generate + upload; download and parse reference; ingest; download and parse reference)");
                    var m = await bench.RunAsync(mb * 1_000_000L, cancellationToken);
                    figures.Add(new BenchmarkFigure(
                        BenchSettings.Ingest,
                        string.Create(CultureInfo.InvariantCulture, $"ingest {m.Bytes / 1e6:N0} MB ({m.Rows:N0} rows)"),
                        m.IngestMBps,
                        "MB/s",
                        m.ParseMBps,
                        "parse reference: bare Sylvan typed read of the same bytes, local file",
                        "ratio ≥ 0.5",
                        m.IngestMBps / m.ParseMBps >= 0.5,
                        string.Create(CultureInfo.InvariantCulture, $"ingest {m.IngestSeconds:0.0} s incl. download, hashing and snapshot upload ({m.IngestCpuSeconds:0.0} s CPU in this process; snapshots {m.SnapshotBytes / 1e6:N0} MB); parse reference {m.ParseSeconds:0.0} s; plain download {m.DownloadMBps:N0} MB/s ({m.IngestMBps / m.DownloadMBps:0.00}×) (references: mean of before and after); storage alone (that download plus a plain upload of the snapshot bytes, {m.SnapshotBytes / 1e6 / m.UploadSeconds:N0} MB/s) {m.StorageSeconds:0.0} s = {m.StorageSeconds / m.IngestSeconds:0.00} of the ingest")));
                }
            });
            await Group(BenchSettings.Trainers, async () =>
            {
                Progress($"trainers: {string.Join(", ", TrainerBenchmark.Compared.Select(t => t.Name))} on {settings.Rows:N0} rows");
                var bench = new TrainerBenchmark(storage, services.GetRequiredService<DatasetIngestor>(), services.GetRequiredService<SnapshotStore>());
                var results = await bench.RunAsync(settings.Rows, cancellationToken);
                var reference = results[0];
                double best = results.Min(r => r.Rmse);
                foreach (var r in results)
                {
                    figures.Add(new BenchmarkFigure(
                        BenchSettings.Trainers,
                        string.Create(CultureInfo.InvariantCulture, $"{r.Trainer} fit, {r.TrainRows:N0} train rows"),
                        r.RowsPerSecond,
                        "rows/s",
                        reference.RowsPerSecond,
                        reference.Trainer == TrainerBenchmark.PresetDefault ? $"{reference.Trainer} (preset default)" : reference.Trainer,
                        "–",
                        null,
                        string.Create(CultureInfo.InvariantCulture, $"RMSE {r.Rmse:0.000} ({r.Rmse / best:0.000}× best); fit {r.FitSeconds:0.0} s; {r.Hyperparameters}")));
                }

                var pick = TrainerBenchmark.Recommend(results);
                recommendations.Add(string.Create(
                    CultureInfo.InvariantCulture,
                    $"performance-optimizer: the fastest trainer within 1% of the best RMSE ({best:0.000}) is **{pick.Trainer}** ({pick.RowsPerSecond:N0} rows/s, RMSE {pick.Rmse:0.000}); the preset's default is {TrainerBenchmark.PresetDefault}{(pick.Trainer == TrainerBenchmark.PresetDefault ? ", so keep it" : $", so the recommendation is to default to {pick.Trainer}")}."));
            });
            await Group(BenchSettings.Memory, async () => figures.AddRange(await MemoryBenchmark.RunAsync(storage, connection is null ? choice.Settings() : new Dictionary<string, string?> { [StorageNames.ConnectionSetting] = connection }, settings, Progress, cancellationToken)));
            if (settings.Runs(BenchSettings.Overhead) || settings.Runs(BenchSettings.Latency) || settings.Runs(BenchSettings.Predict))
            {
                await host.StartAsync(cancellationToken);
                using var bench = new HostBenchmarks(host, settings, Progress);
                try
                {
                    await Group(BenchSettings.Overhead, async () =>
                    {
                        Progress("overhead: warm-up job");
                        await bench.WarmUpAsync(cancellationToken);
                        figures.AddRange(await bench.OverheadAsync(cancellationToken));
                    });
                    await Group(BenchSettings.Latency, async () => figures.AddRange(await bench.LatencyAsync(cancellationToken)));
                    await Group(BenchSettings.Predict, async () => figures.AddRange(await new PredictBenchmark(host, bench, new Uri($"http://127.0.0.1:{httpPort}/"), httpKey, settings, Progress).RunAsync(cancellationToken)));
                }
                finally
                {
                    bench.Cleanup();
                    await host.StopAsync(CancellationToken.None);
                }
            }
        }

        var report = new BenchmarkReport(machine, Describe(settings), figures, recommendations, watch.Elapsed);
        Print(report);
        if (parse.GetValue(OutputFile) is { } output)
        {
            await File.WriteAllTextAsync(output.FullName, BenchmarkMarkdown.Render(report), CancellationToken.None);
            Progress($"Wrote {output.FullName}");
        }

        return failures == 0 ? ExitCodes.Success : ExitCodes.Failed;
    }

    private static void Progress(string message) => AnsiConsole.MarkupLine($"[grey]{Markup.Escape(message)}[/]");

    private static string Describe(BenchSettings s) => string.Create(
        CultureInfo.InvariantCulture,
        $"nbtrain bench --groups {string.Join(",", BenchSettings.AllGroups.Where(s.Runs))} --ingest-mb {string.Join(",", s.IngestMegabytes)} --rows {s.Rows} --memory-rows {string.Join(",", s.MemoryRows)} --latency-jobs {s.LatencyJobs} --small-jobs {s.SmallJobs} --concurrency {s.Concurrency}");

    private static void Print(BenchmarkReport report)
    {
        var m = report.Machine;
        if (Console.IsOutputRedirected)
        {
            // Logs and CI capture the table: do not wrap it at the 80 columns Spectre assumes without a terminal.
            AnsiConsole.Profile.Width = Math.Max(AnsiConsole.Profile.Width, 200);
        }

        var table = new Table().Border(TableBorder.Rounded)
            .Title(string.Create(CultureInfo.InvariantCulture, $"[bold]nbtrain bench[/] — {m.Cores} cores, {m.MemoryBytes / (1024.0 * 1024 * 1024):0.0} GiB, {Markup.Escape(m.Runtime)}, {report.Elapsed.TotalMinutes:0.0} min"))
            .AddColumn("Group").AddColumn("Figure").AddColumn(new TableColumn("Value").RightAligned()).AddColumn("Reference")
            .AddColumn(new TableColumn("Ratio").RightAligned()).AddColumn("Target").AddColumn("Met?");
        foreach (var f in report.Figures)
        {
            table.AddRow(
                f.Group,
                Markup.Escape(f.Name),
                Markup.Escape($"{BenchmarkMarkdown.Number(f.Value)} {f.Unit}"),
                Markup.Escape($"{BenchmarkMarkdown.Number(f.Reference)} {f.Unit} ({f.ReferenceName})"),
                BenchmarkMarkdown.Ratio(f.Ratio),
                Markup.Escape(f.Target),
                f.Met switch { true => "[green]yes[/]", false => "[red]no[/]", null => "–" });
        }

        AnsiConsole.Write(table);
        foreach (var f in report.Figures.Where(f => f.Note is not null))
        {
            AnsiConsole.MarkupLine($"[grey]{Markup.Escape(f.Group)} · {Markup.Escape(f.Name)}: {Markup.Escape(f.Note!)}[/]");
        }

        foreach (var recommendation in report.Recommendations)
        {
            AnsiConsole.MarkupLine(Markup.Escape(recommendation.Replace("**", "", StringComparison.Ordinal)));
        }
    }
}
