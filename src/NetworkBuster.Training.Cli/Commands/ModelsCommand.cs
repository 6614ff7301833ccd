using System.CommandLine;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using NetworkBuster.Training.Notifications;
using NetworkBuster.Training.Registry;
using Spectre.Console;

namespace NetworkBuster.Training.Cli.Commands;

/// <summary><c>nbtrain models</c>: list, show, promote, roll back, history, report.</summary>
internal static class ModelsCommand
{
    public static Command Create(CliServices cli)
    {
        var command = new Command("models", "The model registry: which version is live, why, and how to go back.");
        command.Subcommands.Add(List(cli));
        command.Subcommands.Add(Show(cli));
        command.Subcommands.Add(Promote(cli));
        command.Subcommands.Add(Rollback(cli));
        command.Subcommands.Add(History(cli));
        command.Subcommands.Add(ModelReportCommand.Create(cli));
        return command;
    }

    private static string By() => $"cli:{Environment.UserName}@{Environment.MachineName}";

    // An operator's promotion or rollback has no job: the event names the action and its time instead.
    private static string OperatorAction(DateTimeOffset at) => "cli-" + at.ToString("yyyyMMddHHmmssfff", Output.Culture);

    // To Training:Notifications:WebhookUrl, as the pipeline's own events go; never fails the command.
    private static Task<int> NotifyAsync(IServiceProvider services, TrainingEvent e, CancellationToken ct) =>
        services.GetRequiredService<WebhookSender>().SendAsync([e], null, ct);

    private static Command List(CliServices cli)
    {
        var model = new Argument<string?>("model") { Description = "A model; omit to list every model with its current version.", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("list", "List models, or the versions of one.\nExamples:\n  nbtrain models list\n  nbtrain models list performance-optimizer --json") { model };
        command.SetAction((parse, ct) => cli.RunAsync(parse, async services =>
        {
            bool json = parse.GetValue(cli.Json);
            if (parse.GetValue(model) is { } name)
            {
                var rows = await services.GetRequiredService<ModelRegistry>().ListAsync(name, ct);
                if (rows.Count == 0)
                {
                    throw new NotFoundException($"Model {name} does not exist (no versions registered).");
                }

                if (json)
                {
                    Output.Json(rows.Select(r => new { r.Model, r.Version, r.Status, r.IsCurrent, r.PrimaryMetric, r.PrimaryMetricValue, r.Trainer, r.JobId, r.CreatedAt, r.PromotedAt, r.StatusReason }));
                    return ExitCodes.Success;
                }

                var table = new Table().Border(TableBorder.Rounded).Title(name).AddColumns("Version", "Status", "Current", "Metric", "Trainer", "Job", "Created", "Reason");
                foreach (var r in rows.OrderByDescending(r => r.Version))
                {
                    table.AddRow(r.Version.ToString(Output.Culture), r.Status, r.IsCurrent ? "[green]yes[/]" : "", $"{r.PrimaryMetric} {r.PrimaryMetricValue?.ToString("0.####", Output.Culture)}", r.Trainer ?? "", Markup.Escape(r.JobId ?? ""), r.CreatedAt?.ToString("u", Output.Culture) ?? "", Markup.Escape(r.StatusReason ?? ""));
                }

                AnsiConsole.Write(table);
                return ExitCodes.Success;
            }

            var models = (await services.GetRequiredService<ModelRegistry>().SummarizeAsync(ct)).Select(m => new
            {
                m.Model,
                m.Versions,
                Current = m.CurrentVersion,
                Metric = m.CurrentVersion is null ? null : $"{m.PrimaryMetric} {m.PrimaryMetricValue?.ToString("0.####", Output.Culture)}",
            }).ToList();
            if (json)
            {
                Output.Json(models);
                return ExitCodes.Success;
            }

            var summary = new Table().Border(TableBorder.Rounded).AddColumns("Model", "Versions", "Current", "Current metric");
            foreach (var m in models)
            {
                summary.AddRow(m.Model, m.Versions.ToString(Output.Culture), m.Current?.ToString(Output.Culture) ?? "-", m.Metric ?? "");
            }

            AnsiConsole.Write(summary);
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command Show(CliServices cli)
    {
        var reference = new Argument<string>("model[:version]") { Description = "e.g. performance-optimizer:7; the current version when no version is given." };
        var command = new Command("show", "Show a version's lineage, metrics and feature importance.\nExamples:\n  nbtrain models show performance-optimizer\n  nbtrain models show performance-optimizer:7 --json") { reference };
        command.SetAction((parse, ct) => cli.RunAsync(parse, async services =>
        {
            var target = ModelVersionRef.Parse(parse.GetValue(reference)!);
            var registry = services.GetRequiredService<ModelRegistry>();
            var row = (target.Version is { } v ? await registry.GetAsync(target.Model, v, ct) : await registry.GetCurrentAsync(target.Model, ct))
                ?? throw new NotFoundException(target.Version is null ? $"{target.Model} has no current version." : $"{target} does not exist.");
            var metadata = await ReadMetadataAsync(services.GetRequiredService<ModelStore>(), row, ct);
            if (parse.GetValue(cli.Json))
            {
                Output.Json(new { row = Output.RowFields(row), metadata });
            }
            else
            {
                Output.PrintVersion(row, detailed: true);
                Output.PrintExtras(metadata);
            }

            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command Promote(CliServices cli)
    {
        var reference = new Argument<string>("model:version") { Description = "The version to make current." };
        var reason = new Option<string?>("--reason") { Description = "Why, recorded in the history." };
        var command = new Command("promote", "Make a version current (atomically; the previous current version stays available).\nExample:\n  nbtrain models promote performance-optimizer:7 --reason \"validated offline\"") { reference, reason };
        command.SetAction((parse, ct) => cli.RunAsync(parse, async services =>
        {
            var target = ModelVersionRef.Parse(parse.GetValue(reference)!);
            if (target.Version is not { } version)
            {
                throw new FormatException($"Expected model:version (e.g. performance-optimizer:7), but found \"{target}\".");
            }

            var at = DateTimeOffset.UtcNow;
            var previous = await services.GetRequiredService<ModelRegistry>().PromoteAsync(target.Model, version, at, By(), parse.GetValue(reason), ct);
            await NotifyAsync(services, new TrainingEvent(TrainingEventTypes.VersionPromoted, OperatorAction(at), target.Model, at) { Version = version, PreviousVersion = previous, Decision = parse.GetValue(reason) ?? By() }, ct);
            Output.Line(parse.GetValue(cli.Json), new { target.Model, current = version, previous }, $"{target} is current (was {(previous is null ? "none" : previous.Value.ToString(Output.Culture))}).");
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command Rollback(CliServices cli)
    {
        var model = new Argument<string>("model") { Description = "The model to roll back." };
        var reason = new Option<string?>("--reason") { Description = "Why, recorded in the history." };
        var command = new Command("rollback", "Make the previous available version current and deprecate the current one (atomically).\nExample:\n  nbtrain models rollback performance-optimizer --reason \"latency regressions\"") { model, reason };
        command.SetAction((parse, ct) => cli.RunAsync(parse, async services =>
        {
            var name = parse.GetValue(model)!;
            var at = DateTimeOffset.UtcNow;
            var (from, to) = await services.GetRequiredService<ModelRegistry>().RollbackAsync(name, at, By(), parse.GetValue(reason), ct);
            await NotifyAsync(services, new TrainingEvent(TrainingEventTypes.VersionRolledBack, OperatorAction(at), name, at) { Version = to, PreviousVersion = from, Decision = parse.GetValue(reason) ?? By() }, ct);
            Output.Line(parse.GetValue(cli.Json), new { model = name, from, to }, $"{name}: rolled back from {from} to {to}; {from} is deprecated.");
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command History(CliServices cli)
    {
        var model = new Argument<string>("model") { Description = "The model." };
        var command = new Command("history", "Which version was current when, and who changed it.\nExample:\n  nbtrain models history performance-optimizer") { model };
        command.SetAction((parse, ct) => cli.RunAsync(parse, async services =>
        {
            var rows = await services.GetRequiredService<ModelRegistry>().HistoryAsync(parse.GetValue(model)!, cancellationToken: ct);
            if (parse.GetValue(cli.Json))
            {
                Output.Json(rows.Select(h => new { h.At, h.Action, h.Version, h.PreviousVersion, h.By, h.Reason }));
                return ExitCodes.Success;
            }

            var table = new Table().Border(TableBorder.Rounded).AddColumns("At", "Action", "Current", "Previous", "By", "Reason");
            foreach (var h in rows)
            {
                table.AddRow(h.At.ToString("u", Output.Culture), h.Action, h.Version?.ToString(Output.Culture) ?? "", h.PreviousVersion?.ToString(Output.Culture) ?? "", Markup.Escape(h.By), Markup.Escape(h.Reason ?? ""));
            }

            AnsiConsole.Write(table);
            return ExitCodes.Success;
        }));
        return command;
    }

    private static async Task<JsonElement?> ReadMetadataAsync(ModelStore store, ModelVersionRow row, CancellationToken ct)
    {
        var blob = store.MetadataBlob(row.Model, row.Version);
        if (!await blob.ExistsAsync(ct))
        {
            return null;
        }

        var content = await blob.DownloadContentAsync(ct);
        return JsonDocument.Parse(content.Value.Content.ToString()).RootElement.Clone();
    }
}
