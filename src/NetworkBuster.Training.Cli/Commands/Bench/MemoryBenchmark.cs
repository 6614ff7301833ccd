using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NetworkBuster.Training.Cli.Benchmarks;
using NetworkBuster.Training.Hosting;
using NetworkBuster.Training.Storage;

namespace NetworkBuster.Training.Cli.Commands.Bench;

/// <summary>
/// Peak working set of ingest + train, each size in a dedicated child process (<c>nbtrain bench probe-memory</c>) so
/// sizes and the benchmark's own allocations do not pollute each other.
/// </summary>
internal static class MemoryBenchmark
{
    private const string ProbePrefix = "PROBE ";
    private const double MB = 1024 * 1024;

    /// <summary>The hidden child command.</summary>
    public static Command CreateProbeCommand()
    {
        var dataset = new Option<string>("--dataset") { Required = true };
        var command = new Command("probe-memory", "Internal: ingest and train one dataset, then print the peak working set.") { Hidden = true };
        command.Options.Add(dataset);
        command.SetAction(async (parse, cancellationToken) =>
        {
            // The parent passes the connection string in the environment, never on the command line (ps shows that).
            var configuration = new ConfigurationBuilder().AddEnvironmentVariables().Build();
            await using var services = new ServiceCollection()
                .AddLogging(b => b.SetMinimumLevel(LogLevel.Warning))
                .AddTrainingPipeline(configuration)
                .AddSingleton<MemoryProbe>()
                .BuildServiceProvider();
            var result = await services.GetRequiredService<MemoryProbe>().RunAsync(parse.GetValue(dataset)!, cancellationToken);
            Console.WriteLine(ProbePrefix + JsonSerializer.Serialize(result));
            return 0;
        });
        return command;
    }

    public static async Task<IReadOnlyList<BenchmarkFigure>> RunAsync(StorageClients storage, IReadOnlyDictionary<string, string?> storageSettings, BenchSettings settings, Action<string> progress, CancellationToken cancellationToken)
    {
        var figures = new List<BenchmarkFigure>();
        foreach (int rows in settings.MemoryRows)
        {
            var name = BenchmarkData.NewDatasetName("memory");
            progress($"memory: uploading {rows:N0} rows");
            var (bytes, _) = await BenchmarkData.UploadAsync(storage, name, maxRows: rows, cancellationToken: cancellationToken);
            try
            {
                progress($"memory: ingest + train {rows:N0} rows ({bytes / 1e6:N0} MB of CSV) in a child process");
                var probe = await ProbeAsync(name, storageSettings, cancellationToken);
                double budget = ((3.0 * probe.Rows * probe.Features * 4) / MB) + 500;
                double peak = probe.PeakWorkingSetBytes / MB;
                figures.Add(new BenchmarkFigure(
                    BenchSettings.Memory,
                    string.Create(CultureInfo.InvariantCulture, $"peak working set, {rows:N0} rows (ingest + train)"),
                    peak,
                    "MB",
                    budget,
                    "budget 3 × rows × features × 4 B + 500 MB",
                    "ratio ≤ 1",
                    peak <= budget,
                    string.Create(CultureInfo.InvariantCulture, $"{probe.Features} features (fitted vector); CSV {bytes / MB:N0} MB; process at start {probe.StartWorkingSetBytes / MB:N0} MB, peak after ingest {probe.PeakAfterIngestBytes / MB:N0} MB; {probe.Seconds:0.0} s")));
            }
            finally
            {
                await storage.Datasets.DeleteBlobIfExistsAsync(name, cancellationToken: CancellationToken.None);
            }
        }

        return figures;
    }

    private static async Task<MemoryProbeResult> ProbeAsync(string dataset, IReadOnlyDictionary<string, string?> storageSettings, CancellationToken cancellationToken)
    {
        var exe = Environment.ProcessPath ?? "dotnet";
        var start = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(exe).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            start.ArgumentList.Add(typeof(MemoryBenchmark).Assembly.Location);
        }

        foreach (var argument in new[] { "bench", "probe-memory", "--dataset", dataset })
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in storageSettings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the memory probe process.");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        var line = (await stdout).Split('\n').FirstOrDefault(l => l.StartsWith(ProbePrefix, StringComparison.Ordinal));
        return process.ExitCode == 0 && line is not null
            ? JsonSerializer.Deserialize<MemoryProbeResult>(line[ProbePrefix.Length..])!
            : throw new InvalidOperationException($"The memory probe exited {process.ExitCode}: {await stderr}");
    }
}
