using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using NetworkBuster.Training.Registry;
using NetworkBuster.Training.Scoring;

namespace NetworkBuster.Training.Cli.Commands;

/// <summary><c>nbtrain predict</c>: score a CSV with the current or a named version (its SHA-256 verified first).</summary>
internal static class PredictCommand
{
    public static Command Create(CliServices cli)
    {
        var reference = new Argument<string>("model[:version]") { Description = "The model (current version) or model:version." };
        var input = new Argument<FileInfo>("input.csv") { Description = "Rows with the model's input columns; the label column may be absent." };
        var output = new Option<FileInfo?>("--output", "-o") { Description = "Where to write predictions (default: {input}.predictions.csv; - for standard output)." };
        var command = new Command("predict", "Score a CSV: writes the input columns plus predictions.\nExamples:\n  nbtrain predict performance-optimizer ./next-hour.csv\n  nbtrain predict performance-optimizer:7 ./next-hour.csv -o -")
        {
            reference, input, output,
        };
        command.SetAction((parse, ct) => cli.RunAsync(parse, async services =>
        {
            var target = ModelVersionRef.Parse(parse.GetValue(reference)!);
            var source = parse.GetValue(input)!;
            if (!source.Exists)
            {
                throw new FileNotFoundException($"Expected a CSV file at {source.FullName}, but there is none.");
            }

            var destination = parse.GetValue(output);
            bool toStdout = destination?.Name == "-";
            var path = toStdout ? null : destination?.FullName ?? Path.ChangeExtension(source.FullName, ".predictions.csv");
            await using var stream = source.OpenRead();
            ScoreSummary summary;
            await using (var writer = toStdout ? Console.Out : new StreamWriter(path!))
            {
                summary = await services.GetRequiredService<BatchScorer>().ScoreAsync(target, stream, writer, ct);
            }

            var text = $"Scored {summary.Rows:N0} rows with {summary.Model}{(path is null ? "" : $" into {path}")}"
                + (summary.BadRows > 0 ? $"; skipped {summary.BadRows} bad rows: {string.Join("; ", summary.FirstBadLines)}" : "") + ".";
            if (toStdout)
            {
                Console.Error.WriteLine(text);
            }
            else
            {
                Output.Line(parse.GetValue(cli.Json), new { model = summary.Model.ToString(), summary.Rows, summary.BadRows, output = path }, text);
            }

            return ExitCodes.Success;
        }));
        return command;
    }
}
