using System.CommandLine;
using System.Diagnostics;
using Azure;
using Microsoft.Extensions.DependencyInjection;
using NetworkBuster.Training.Registry;
using NetworkBuster.Training.Reports;
using NetworkBuster.Training.Runs;

namespace NetworkBuster.Training.Cli.Commands;

/// <summary><c>nbtrain models report model:version [-o file.html] [--open]</c>: saves a version's <c>report.html</c>.</summary>
internal static class ModelReportCommand
{
    public static Command Create(CliServices cli)
    {
        var reference = new Argument<string>("model[:version]") { Description = "e.g. performance-optimizer:7; the current version when no version is given." };
        var output = new Option<FileInfo?>("--output", "-o") { Description = "Where to write the page (default: {model}-v{version}.html here)." };
        var open = new Option<bool>("--open") { Description = "Open the page in the default browser." };
        var command = new Command("report", "Save a version's report: metrics, decision, curves, importance, trials, drift; one offline HTML file.\nExamples:\n  nbtrain models report performance-optimizer:7\n  nbtrain models report churn:3 -o churn.html --open") { reference, output, open };
        command.SetAction((parse, ct) => cli.RunAsync(parse, async services =>
        {
            var target = ModelVersionRef.Parse(parse.GetValue(reference)!);
            var registry = services.GetRequiredService<ModelRegistry>();
            var row = (target.Version is { } v ? await registry.GetAsync(target.Model, v, ct) : await registry.GetCurrentAsync(target.Model, ct))
                ?? throw new NotFoundException(target.Version is null ? $"{target.Model} has no current version." : $"{target} does not exist.");
            var blob = services.GetRequiredService<ModelStore>().ReportBlob(row.Model, row.Version);
            var file = parse.GetValue(output) ?? new FileInfo($"{row.Model}-v{row.Version.ToString(Output.Culture)}.html");
            try
            {
                await blob.DownloadToAsync(file.FullName, ct);
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                var run = row.JobId is { Length: > 0 } jobId ? await services.GetRequiredService<RunStore>().GetAsync(jobId, ct) : null;
                var status = ReportStatus.Of(row, run);
                throw new NotFoundException(status.State == InsightsState.Ready
                    ? $"Expected {blob.BlobContainerName}/{blob.Name}, but {row.Model}:{row.Version} has no report (registered before reports were written, or its blobs were removed)."
                    : status.Message);
            }

            Output.Line(parse.GetValue(cli.Json), new { row.Model, row.Version, file = file.FullName }, $"{row.Model}:{row.Version} report written to {file.FullName}");
            if (parse.GetValue(open))
            {
                Open(file.FullName);
            }

            return ExitCodes.Success;
        }));
        return command;
    }

    private static void Open(string path)
    {
        var start = OperatingSystem.IsWindows() ? new ProcessStartInfo(path) { UseShellExecute = true }
            : new ProcessStartInfo(OperatingSystem.IsMacOS() ? "open" : "xdg-open", [path]);
        try
        {
            using var process = Process.Start(start);
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            Console.Error.WriteLine($"Could not open a browser ({ex.Message}); open {path} yourself.");
        }
    }
}
