using System.CommandLine;
using Azure;
using Microsoft.Extensions.DependencyInjection;
using NetworkBuster.Training.Contracts;
using NetworkBuster.Training.Drift;
using NetworkBuster.Training.Registry;
using NetworkBuster.Training.Storage;
using Spectre.Console;

namespace NetworkBuster.Training.Cli.Commands;

/// <summary><c>nbtrain drift model[:version] dataset</c>: a dataset against a version's training profile, without training.</summary>
internal static class DriftCommand
{
    public static Command Create(CliServices cli)
    {
        var reference = new Argument<string>("model[:version]") { Description = "The reference: the current version, or model:version." };
        var dataset = new Argument<string>("dataset") { Description = "A local CSV file, or a blob name in ai-training-datasets." };
        var command = new Command("drift", "Compare a dataset with the data a version trained on: PSI per feature, KS for numbers, the label's shift.\nExamples:\n  nbtrain drift performance-optimizer performance-optimizer/2025-02.csv\n  nbtrain drift churn:3 ./new-customers.csv --json")
        {
            reference, dataset,
        };
        command.SetAction((parse, ct) => cli.RunAsync(parse, async services =>
        {
            var target = ModelVersionRef.Parse(parse.GetValue(reference)!);
            var source = parse.GetValue(dataset)!;
            await using var csv = await OpenAsync(services, source, ct);
            var result = await services.GetRequiredService<DriftCheck>().CheckAsync(target, csv, ct);
            if (parse.GetValue(cli.Json))
            {
                Output.Json(new { model = result.Version.ToString(), dataset = source, result.Rows, result.BadRows, result.Report });
                return ExitCodes.Success;
            }

            var report = result.Report;
            var table = new Table().Border(TableBorder.Rounded)
                .Title($"{Markup.Escape(source)} against {result.Version}'s training data: max PSI {report.MaxPsi.ToString("0.###", Output.Culture)} ({report.Level})")
                .AddColumns("Feature", "Kind", "PSI", "KS", "Level", "Training mean", "New mean");
            foreach (var f in report.Features.Concat(report.Label is { } label ? [label with { Feature = "label " + label.Feature }] : []))
            {
                var level = f.Level switch { DriftReport.Levels.Major => "[red]major[/]", DriftReport.Levels.Moderate => "[yellow]moderate[/]", _ => "none" };
                table.AddRow(Markup.Escape(f.Feature), f.Kind, f.Psi.ToString("0.####", Output.Culture), f.Ks?.ToString("0.####", Output.Culture) ?? "", level, f.TrainingMean?.ToString("0.####", Output.Culture) ?? "", f.NewMean?.ToString("0.####", Output.Culture) ?? "");
            }

            AnsiConsole.Write(table);
            Console.WriteLine($"{result.Rows:N0} rows read{(result.BadRows > 0 ? $", {result.BadRows:N0} unreadable skipped" : "")}; PSI ≥ {services.GetRequiredService<DriftOptions>().ModeratePsi.ToString(Output.Culture)} is moderate, ≥ {services.GetRequiredService<DriftOptions>().MajorPsi.ToString(Output.Culture)} major.");
            return ExitCodes.Success;
        }));
        return command;
    }

    private static async Task<Stream> OpenAsync(IServiceProvider services, string source, CancellationToken ct)
    {
        if (File.Exists(source))
        {
            return File.OpenRead(source);
        }

        try
        {
            return (await services.GetRequiredService<StorageClients>().Datasets.GetBlobClient(source).DownloadStreamingAsync(cancellationToken: ct)).Value.Content;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            throw new NotFoundException($"Expected a local CSV file or a blob in {StorageNames.DatasetsContainer}, but found neither at '{source}'.");
        }
    }
}
