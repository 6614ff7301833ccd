using System.CommandLine;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.DependencyInjection;
using NetworkBuster.Training.Contracts;
using NetworkBuster.Training.Storage;
using Spectre.Console;

namespace NetworkBuster.Training.Cli.Commands;

/// <summary><c>nbtrain datasets</c>: list and upload CSVs in ai-training-datasets.</summary>
internal static class DatasetsCommand
{
    public static Command Create(CliServices cli)
    {
        var command = new Command("datasets", "CSV datasets in the ai-training-datasets container.");
        command.Subcommands.Add(List(cli));
        command.Subcommands.Add(Upload(cli));
        command.Subcommands.Add(Sample());
        return command;
    }

    private static Command Sample()
    {
        var preset = new Argument<string>("preset") { Description = "performance-optimizer, visitor-behavior-model, sustainability-predictor or content-recommender." };
        var size = new Option<int?>("--size") { Description = "Rows (performance-optimizer), users (visitor-behavior-model) or days (sustainability-predictor); default 20000, 2000, 100." };
        var output = new Option<FileInfo?>("--output", "-o") { Description = "The CSV to write (default: standard output)." };
        var seed = new Option<int>("--seed") { Description = "Random seed.", DefaultValueFactory = _ => 7 };
        var command = new Command("sample", "Write a realistic sample CSV for a preset (a known signal plus noise), to try the pipeline.\nExample:\n  nbtrain datasets sample performance-optimizer -o 2025-01.csv") { preset, size, output, seed };
        command.SetAction(async (parse, ct) =>
        {
            var file = parse.GetValue(output);
            await using var writer = file is null ? Console.Out : new StreamWriter(file.FullName);
            int? n = parse.GetValue(size);
            int s = parse.GetValue(seed);
            switch (parse.GetValue(preset))
            {
                case "performance-optimizer": Samples.PerformanceSampleData.Write(writer, n ?? 20_000, s); break;
                case "visitor-behavior-model": Samples.VisitorSampleData.Write(writer, n ?? 2_000, s); break;
                case "sustainability-predictor": Samples.SustainabilitySampleData.Write(writer, n ?? 100, s); break;
                case "content-recommender": Samples.RecommenderSampleData.Write(writer, Samples.RatingsShape.Small, s); break;
                case var other:
                    await Console.Error.WriteLineAsync($"error: expected a preset ({Presets.PresetCatalog.Names}), but found \"{other}\".");
                    return ExitCodes.InvalidInput;
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static Command List(CliServices cli)
    {
        var prefix = new Argument<string?>("prefix") { Description = "Only blobs under this prefix, e.g. performance-optimizer/.", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("list", "List datasets.\nExample:\n  nbtrain datasets list performance-optimizer/") { prefix };
        command.SetAction((parse, ct) => cli.RunAsync(parse, async services =>
        {
            var blobs = new List<BlobItem>();
            await foreach (var blob in services.GetRequiredService<StorageClients>().Datasets.GetBlobsAsync(BlobTraits.None, BlobStates.None, parse.GetValue(prefix), ct))
            {
                blobs.Add(blob);
            }

            if (parse.GetValue(cli.Json))
            {
                Output.Json(blobs.Select(b => new { b.Name, bytes = b.Properties.ContentLength, lastModified = b.Properties.LastModified }));
                return ExitCodes.Success;
            }

            var table = new Table().Border(TableBorder.Rounded).AddColumns("Dataset", "Bytes", "Last modified");
            foreach (var b in blobs)
            {
                table.AddRow(Markup.Escape(b.Name), (b.Properties.ContentLength ?? 0).ToString("N0", Output.Culture), b.Properties.LastModified?.ToString("u", Output.Culture) ?? "");
            }

            AnsiConsole.Write(table);
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command Upload(CliServices cli)
    {
        var file = new Argument<FileInfo>("file") { Description = "The local CSV." };
        var name = new Option<string?>("--name") { Description = "The blob name (default: {model}/{file name} with --model, else the file name)." };
        var model = new Option<string?>("--model", "-m") { Description = "Upload under this model's folder, where timers look for the newest dataset." };
        var command = new Command("upload", "Upload a CSV.\nExample:\n  nbtrain datasets upload ./2025-01.csv -m performance-optimizer") { file, name, model };
        command.SetAction((parse, ct) => cli.RunAsync(parse, async services =>
        {
            var source = parse.GetValue(file)!;
            if (!source.Exists)
            {
                throw new FileNotFoundException($"Expected a CSV file at {source.FullName}, but there is none.");
            }

            var blobName = ContractNames.ValidateBlobName(parse.GetValue(name) ?? (parse.GetValue(model) is { } m ? $"{m}/{source.Name}" : source.Name), "--name");
            var container = services.GetRequiredService<StorageClients>().Datasets;
            await container.CreateIfNotExistsAsync(cancellationToken: ct);
            await container.GetBlobClient(blobName).UploadAsync(source.FullName, overwrite: true, ct);
            Output.Line(parse.GetValue(cli.Json), new { dataset = blobName, bytes = source.Length }, $"Uploaded {source.Name} as {blobName} ({source.Length:N0} bytes).");
            return ExitCodes.Success;
        }));
        return command;
    }
}
