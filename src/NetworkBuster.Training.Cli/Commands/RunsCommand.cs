using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using NetworkBuster.Training.Cli.Local;
using NetworkBuster.Training.Cli.Local.Engine;
using NetworkBuster.Training.Runs;
using Spectre.Console;

namespace NetworkBuster.Training.Cli.Commands;

/// <summary><c>nbtrain runs</c>: recent runs, one run, or a live view of one.</summary>
internal static class RunsCommand
{
    public static Command Create(CliServices cli)
    {
        var jobId = new Argument<string?>("jobId") { Description = "A job id; omit to list recent runs.", Arity = ArgumentArity.ZeroOrOne };
        var watch = new Option<bool>("--watch", "-w") { Description = "Follow the run until it ends, with a progress display per step." };
        var status = new Option<string?>("--status") { Description = "List only runs in this status (Pending, Running, Succeeded, Failed…)." };
        var top = new Option<int>("--top") { Description = "How many runs to list.", DefaultValueFactory = _ => 20 };
        var taskHub = new Option<string?>("--task-hub") { Description = "The Durable task hub whose instance to show (default: Training:Host:TaskHub, else nbtrainlocal; the Azure app's is its TaskHubName)." };
        var command = new Command("runs", """
            Show training runs (the TrainingRuns table).
            Examples:
              nbtrain runs
              nbtrain runs --status Failed --json
              nbtrain runs perf-2025-01-15 --watch
            """)
        {
            jobId, watch, status, top, taskHub,
        };
        command.Subcommands.Add(Cancel(cli));
        command.SetAction((parse, cancellationToken) => cli.RunAsync(parse, async services =>
        {
            var runs = services.GetRequiredService<RunStore>();
            bool json = parse.GetValue(cli.Json);
            if (parse.GetValue(jobId) is not { } id)
            {
                var rows = await runs.ListAsync(parse.GetValue(status), parse.GetValue(top), cancellationToken);
                if (json)
                {
                    Output.Json(rows.Select(Summary));
                    return ExitCodes.Success;
                }

                var table = new Table().Border(TableBorder.Rounded).AddColumns("Job", "Model", "Status", "Step", "%", "Version", "Error", "Created");
                foreach (var r in rows)
                {
                    table.AddRow(Markup.Escape(r.JobId), Markup.Escape(r.Model ?? ""), Colour(r.Status), r.Step ?? "", r.Progress.ToString(Output.Culture), r.Version?.ToString(Output.Culture) ?? "", Markup.Escape(r.ErrorCode ?? ""), r.CreatedAt?.ToString("u", Output.Culture) ?? "");
                }

                AnsiConsole.Write(table);
                return ExitCodes.Success;
            }

            var run = parse.GetValue(watch)
                ? await WatchAsync(runs, id, json, cancellationToken)
                : await runs.GetAsync(id, cancellationToken) ?? throw new Registry.NotFoundException($"Run {id} does not exist.");
            if (!parse.GetValue(watch))
            {
                var configuration = services.GetRequiredService<IConfiguration>();
                var hub = parse.GetValue(taskHub) ?? configuration[LocalHostOptions.Section + ":TaskHub"] ?? new LocalHostOptions().TaskHub;
                Show(run, await EngineInstances.ReadAsync(configuration, hub, id), json);
            }

            return run.Status is RunStatus.Failed or RunStatus.Cancelled ? ExitCodes.Failed : ExitCodes.Success;
        }));
        return command;
    }

    private static Command Cancel(CliServices cli)
    {
        var jobId = new Argument<string>("jobId") { Description = "The run to cancel (Pending or Running)." };
        var taskHub = new Option<string?>("--task-hub") { Description = "The Durable task hub running it (default: Training:Host:TaskHub, else nbtrainlocal)." };
        var command = new Command("cancel", """
            Cancel a pending or running run: it is recorded Cancelled, its instance terminated, its staging emptied, and it
            never registers a version. A run that ended, or is registering its version, is refused (exit 1).
            Example:
              nbtrain runs cancel perf-2025-01-15
            """)
        {
            jobId, taskHub,
        };
        command.SetAction((parse, cancellationToken) => cli.RunAsync(parse, async services =>
        {
            var configuration = services.GetRequiredService<IConfiguration>();
            var hub = parse.GetValue(taskHub) ?? configuration[LocalHostOptions.Section + ":TaskHub"] ?? new LocalHostOptions().TaskHub;
            using var instances = new EngineRunInstances(configuration, hub);
            var result = await services.GetRequiredService<Api.RunsApi>().CancelAsync(parse.GetValue(jobId)!, instances, cancellationToken);
            return result switch
            {
                { Status: 200, Body: Api.RunView run } => Done(parse.GetValue(cli.Json), run),
                { Status: 404, Body: Api.ApiError e } => throw new Registry.NotFoundException(e.Message),
                { Status: 400, Body: Api.ApiError e } => throw new FormatException(e.Message),
                { Body: Api.ApiError e } => throw new Registry.RegistryException(e.Message),
                _ => throw new InvalidOperationException($"Unexpected answer {result.Status}."),
            };
        }));
        return command;
    }

    private static int Done(bool json, Api.RunView run)
    {
        Output.Line(json, run, $"Cancelled {run.JobId} (it was at {run.Step ?? "no step yet"}); its staging is emptied and it will register no version.");
        return ExitCodes.Success;
    }

    /// <summary>Follows a run to its end with a progress bar per step, then shows it.</summary>
    public static async Task<TrainingRunRow> WatchAsync(RunStore runs, string jobId, bool json, CancellationToken cancellationToken)
    {
        TrainingRunRow? last = null;
        if (json || !AnsiConsole.Profile.Capabilities.Interactive)
        {
            last = await runs.WaitAsync(jobId, TimeSpan.FromDays(1), r => { if (!json) { Console.WriteLine($"{r.Status} {r.Step} {r.Progress}%"); } }, cancellationToken);
        }
        else
        {
            await AnsiConsole.Progress().AutoClear(false).Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new SpinnerColumn())
                .StartAsync(async progress =>
                {
                    var steps = new[] { RunStep.Ingest, RunStep.Train, RunStep.Evaluate, RunStep.Register }.ToDictionary(s => s, s => progress.AddTask(s, maxValue: 100));
                    last = await runs.WaitAsync(
                        jobId,
                        TimeSpan.FromDays(1),
                        r =>
                        {
                            foreach (var (step, task) in steps)
                            {
                                int index = Array.IndexOf(StepOrder, step);
                                int current = Array.IndexOf(StepOrder, r.Step);
                                task.Value = index < current || (index == current && RunStatus.IsTerminal(r.Status) && r.Status == RunStatus.Succeeded) ? 100 : index == current ? 50 : 0;
                            }
                        },
                        cancellationToken);
                });
        }

        Show(last!, EngineInstance.NotRead, json);
        return last!;
    }

    private static readonly string[] StepOrder = [RunStep.Ingest, RunStep.Train, RunStep.Evaluate, RunStep.Register];

    private static void Show(TrainingRunRow run, EngineInstance instance, bool json)
    {
        if (json)
        {
            Output.Json(Summary(run, instance));
            return;
        }

        var table = new Table().Border(TableBorder.Rounded).Title($"[bold]{Markup.Escape(run.JobId)}[/]").AddColumns("Field", "Value");
        foreach (var (name, value) in Fields(run))
        {
            table.AddRow(name, Markup.Escape(value ?? ""));
        }

        if (instance != EngineInstance.NotRead)
        {
            table.AddRow("Instance", Markup.Escape($"{instance.RuntimeStatus} (task hub {instance.TaskHub})"));
            table.AddRow("Custom status", Markup.Escape(instance.CustomStatus ?? ""));
        }

        AnsiConsole.Write(table);
    }

    private static object Summary(TrainingRunRow r) => Summary(r, null);

    private static object Summary(TrainingRunRow r, EngineInstance? instance) => new
    {
        r.JobId, r.Model, r.Dataset, r.Trainer, r.Status, r.Step, r.Progress, r.Attempt, r.ErrorCode, r.ErrorMessage, r.Version,
        r.PrimaryMetric, r.PrimaryMetricValue, r.PromotionDecision, r.Insights, r.InsightsError, r.Trigger, r.CreatedAt, r.StartedAt, r.CompletedAt,
        Instance = instance is null || instance == EngineInstance.NotRead ? null : instance,
    };

    private static IEnumerable<(string, string?)> Fields(TrainingRunRow r) =>
    [
        ("Model", r.Model), ("Dataset", r.Dataset), ("Status", r.Status), ("Step", r.Step), ("Progress", $"{r.Progress}%"),
        ("Attempt", r.Attempt.ToString(Output.Culture)), ("Version", r.Version?.ToString(Output.Culture)), ("Metric", r.PrimaryMetric is null ? null : $"{r.PrimaryMetric} = {r.PrimaryMetricValue?.ToString("0.####", Output.Culture)}"),
        ("Promotion", r.PromotionDecision), ("Report", r.Insights is null ? null : r.InsightsError is null ? r.Insights : $"{r.Insights}: {r.InsightsError}"), ("Error", r.ErrorCode is null ? null : $"{r.ErrorCode}: {r.ErrorMessage}"), ("Trigger", r.Trigger),
        ("Created", r.CreatedAt?.ToString("u", Output.Culture)), ("Started", r.StartedAt?.ToString("u", Output.Culture)), ("Completed", r.CompletedAt?.ToString("u", Output.Culture)),
    ];

    private static string Colour(string status) => status switch
    {
        RunStatus.Succeeded => "[green]Succeeded[/]",
        RunStatus.Failed => "[red]Failed[/]",
        RunStatus.Running => "[yellow]Running[/]",
        _ => status,
    };
}
