using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using NetworkBuster.Training.Contracts;
using NetworkBuster.Training.Jobs;
using NetworkBuster.Training.Runs;
using NetworkBuster.Training.Storage;

namespace NetworkBuster.Training.Cli.Commands;

/// <summary><c>nbtrain submit</c>: validate a job locally and drop it on the queue.</summary>
internal static class SubmitCommand
{
    public static Command Create(CliServices cli)
    {
        var model = new Option<string?>("--model", "-m") { Description = "A preset or custom model name." };
        var dataset = new Option<string?>("--dataset", "-d") { Description = "A blob in ai-training-datasets." };
        var trainer = new Option<string?>("--trainer") { Description = "fasttree, fastforest, lightgbm or sdca." };
        var parameters = new Option<string[]>("--param", "-p") { Description = "A hyperparameter, name=value (repeatable).", AllowMultipleArgumentsPerToken = false };
        var jobId = new Option<string?>("--job-id") { Description = "The idempotency key (generated when absent)." };
        var priority = new Option<string?>("--priority") { Description = "critical, high, normal or low." };
        var timeout = new Option<int?>("--timeout") { Description = "timeoutMinutes, 1–1440." };
        var promotion = new Option<string?>("--promotion") { Description = "auto, always or never." };
        var file = new Option<FileInfo?>("--file", "-f") { Description = "A job message as a JSON file; flags override its fields." };
        var wait = new Option<bool>("--wait") { Description = "Wait for the run to end; exit 0 only if it succeeded." };
        var command = new Command("submit", """
            Validate a training job and drop it on ai-training-jobs.
            Examples:
              nbtrain submit -m performance-optimizer -d performance-optimizer/2025-01.csv -p numberOfTrees=200 --wait
              nbtrain submit -f job.json --json
            """)
        {
            model, dataset, trainer, parameters, jobId, priority, timeout, promotion, file, wait,
        };
        command.SetAction((parse, cancellationToken) => cli.RunAsync(parse, async services =>
        {
            var message = parse.GetValue(file) is { } f ? JsonNode.Parse(await File.ReadAllTextAsync(f.FullName, cancellationToken))!.AsObject() : [];
            Set(message, "jobId", parse.GetValue(jobId) ?? (message.ContainsKey("jobId") ? null : $"cli-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Guid.NewGuid().ToString("N")[..6]}"));
            Set(message, "model", parse.GetValue(model));
            Set(message, "dataset", parse.GetValue(dataset));
            Set(message, "trainer", parse.GetValue(trainer));
            Set(message, "priority", parse.GetValue(priority));
            Set(message, "promotion", parse.GetValue(promotion));
            if (parse.GetValue(timeout) is { } minutes)
            {
                message["timeoutMinutes"] = minutes;
            }

            foreach (var pair in parse.GetValue(parameters) ?? [])
            {
                var (name, value) = pair.Split('=', 2) is [var n, var v] && double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out double d)
                    ? (n, d)
                    : throw new ArgumentException($"--param must be name=number, but found \"{pair}\".");
                (message["hyperparameters"] ??= new JsonObject())[name] = value;
            }

            var text = message.ToJsonString();
            var parsed = JobMessageParser.Parse(text, "cli");
            if (parsed.Failure is { } failure)
            {
                throw new TrainingException(failure.Code, $"{failure.Code}: {failure.Message}");
            }

            var storage = services.GetRequiredService<StorageClients>();
            await storage.JobsQueue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            await storage.JobsQueue.SendMessageAsync(text, cancellationToken);
            var id = parsed.Job!.JobId;
            if (!parse.GetValue(wait))
            {
                Output.Line(parse.GetValue(cli.Json), new { jobId = id, queued = true }, $"Queued job {id}. Follow it with: nbtrain runs {id} --watch");
                return ExitCodes.Success;
            }

            var run = await RunsCommand.WatchAsync(services.GetRequiredService<RunStore>(), id, parse.GetValue(cli.Json), cancellationToken);
            return run.Status == RunStatus.Succeeded ? ExitCodes.Success : ExitCodes.Failed;
        }));
        return command;
    }

    private static void Set(JsonObject message, string name, string? value)
    {
        if (value is not null)
        {
            message[name] = value;
        }
    }
}
