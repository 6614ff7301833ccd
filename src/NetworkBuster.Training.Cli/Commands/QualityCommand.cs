using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using NetworkBuster.Training.Cli.Local;
using NetworkBuster.Training.Registry;
using NetworkBuster.Training.Runs;
using NetworkBuster.Training.Cli.Samples;
using Spectre.Console;

namespace NetworkBuster.Training.Cli.Commands;

/// <summary>
/// <c>nbtrain quality</c>: trains the real datasets of <c>../shared/datasets</c> through the normal pipeline (upload →
/// queue → local host → ingest → train → evaluate, as custom <c>spec</c> jobs) and prints each figure beside the
/// published one; Telco over several seeds of its 80/20 split. Also cross-validates the recommender on
/// MovieLens-shaped data through the pipeline (a kfold job with default hyperparameters) against Surprise's figures.
/// </summary>
internal static class QualityCommand
{
    public static Command Create(CliServices cli)
    {
        var datasets = new Option<string?>("--datasets") { Description = "The folder of the real datasets (default: ../shared/datasets from the repository root)." };
        var seeds = new Option<int>("--seeds") { Description = "Seeds of Telco's 80/20 split.", DefaultValueFactory = _ => 5 };
        var rows = new Option<int>("--rows") { Description = "Use only the first N rows of each file (0: all), for a quick check.", DefaultValueFactory = _ => 0 };
        var folds = new Option<int>("--folds") { Description = "Folds of the recommender's kfold job (0: skip it).", DefaultValueFactory = _ => 5 };
        var command = new Command("quality", "Train the real datasets through the pipeline and print our figures beside the published ones.") { datasets, seeds, rows, folds };
        command.SetAction((parse, cancellationToken) => RunAsync(
            cli.StorageOf(parse), parse.GetValue(datasets), parse.GetValue(seeds), parse.GetValue(rows), parse.GetValue(folds), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(StorageChoice storage, string? folder, int seeds, int rows, int folds, CancellationToken cancellationToken)
    {
        folder ??= Path.GetFullPath(Path.Combine(AzuritePackage.FindRoot() ?? Environment.CurrentDirectory, "..", "shared", "datasets"));
        string Data(string name) => Path.Combine(folder, name);
        if (!File.Exists(Data(QualityJobs.TelcoFile)) || !File.Exists(Data(QualityJobs.AppliancesTrainFile)) || !File.Exists(Data(QualityJobs.AppliancesTestFile)))
        {
            AnsiConsole.MarkupLine($"[red]Expected {QualityJobs.TelcoFile}, {QualityJobs.AppliancesTrainFile} and {QualityJobs.AppliancesTestFile} in {Markup.Escape(folder)}, but they are not all there (use --datasets).[/]");
            return 2;
        }

        var table = new Table().Border(TableBorder.Rounded).Title("[bold]Quality on real data (through the pipeline) and on MovieLens-shaped data[/]")
            .AddColumn("Dataset").AddColumn("Metric").AddColumn(new TableColumn("Ours").RightAligned()).AddColumn(new TableColumn("Published").RightAligned()).AddColumn("Verdict");
        await using (var session = await PipelineSession.StartAsync(storage, "quality run", cancellationToken))
        {
            var stamp = DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
            foreach (var (name, file) in new[] { (QualityJobs.TelcoBlob, QualityJobs.TelcoFile), (QualityJobs.AppliancesTrainBlob, QualityJobs.AppliancesTrainFile), (QualityJobs.AppliancesTestBlob, QualityJobs.AppliancesTestFile) })
            {
                await using var content = Slice(Data(file), rows);
                await session.UploadAsync(name, content, cancellationToken);
            }

            var aucs = new List<double>();
            var accuracies = new List<double>();
            for (int seed = 1; seed <= seeds; seed++)
            {
                var metrics = await TrainAsync(session, QualityJobs.Telco($"quality-telco-{stamp}-s{seed}", seed, Environment.GetEnvironmentVariable("NBTRAIN_QUALITY_TELCO")), cancellationToken);
                aucs.Add(metrics["AUC"]);
                accuracies.Add(metrics.GetValueOrDefault("Accuracy@0.5", metrics["Accuracy"]));
            }

            if (seeds > 0)
            {
                Add(table, "Telco churn (80/20)", $"AUC, mean ± sd of {seeds} seeds", aucs, 0.84, higherIsBetter: true);
                Add(table, "Telco churn (80/20)", $"accuracy at 0.5 (as published), mean ± sd of {seeds} seeds", accuracies, 0.817, higherIsBetter: true);
            }

            var appliances = await TrainAsync(session, QualityJobs.Appliances($"quality-appliances-{stamp}", Environment.GetEnvironmentVariable("NBTRAIN_QUALITY_APPLIANCES")), cancellationToken);
            Add(table, "Appliances energy (paper's test file)", "RMSE (GBM 66.65; RF 68.48)", [appliances["RMSE"]], 66.65, higherIsBetter: false);
            Add(table, "Appliances energy (paper's test file)", "R² (GBM)", [appliances["R2"]], 0.57, higherIsBetter: true);
            Add(table, "Appliances energy (paper's test file)", "MAE (RF)", [appliances["MAE"]], 31.85, higherIsBetter: false);
            if (folds >= 2)
            {
                await using (var ratings = RecommenderSampleData.ToStream(RatingsShape.MovieLens100K))
                {
                    await session.UploadAsync(QualityJobs.RatingsBlob, ratings, cancellationToken);
                }

                var recommender = await TrainAsync(session, QualityJobs.Recommender($"quality-ratings-{stamp}", folds), cancellationToken);
                AddRecommender(table, recommender, folds);
            }
        }

        AnsiConsole.Write(table);
        return 0;
    }

    private static async Task<Dictionary<string, double>> TrainAsync(PipelineSession session, QualityJob job, CancellationToken cancellationToken)
    {
        TrainingRunRow run = null!;
        await AnsiConsole.Status().StartAsync($"Training {job.JobId}…", async status =>
            run = await session.RunAsync(job.Message, job.JobId, r => status.Status($"{job.JobId} {r.Status}: {r.Step ?? "queued"} ({r.Progress}%)"), cancellationToken));
        if (run.Status != RunStatus.Succeeded)
        {
            throw new InvalidOperationException($"Quality job {job.JobId} {run.Status}: {run.ErrorCode} {run.ErrorMessage}");
        }

        var version = (await session.Registry.GetAsync(job.Model, run.Version!.Value, cancellationToken))!;
        AnsiConsole.MarkupLine(Markup.Escape($"{job.Model}:{version.Version} {version.Trainer} {version.Hyperparameters}: {version.Metrics} (train {version.TrainRows}, validation {version.ValidationRows}, test {version.TestRows}, bad {version.BadRows}, {version.TrainingSeconds:F1} s)"));
        await PrintTrialsAsync(session, version, cancellationToken);
        return JsonSerializer.Deserialize<Dictionary<string, double>>(version.Metrics ?? "{}") ?? [];
    }

    // What auto (or a search) compared, so the figure can be read with the choice behind it.
    private static async Task PrintTrialsAsync(PipelineSession session, ModelVersionRow version, CancellationToken cancellationToken)
    {
        var metadata = await session.Storage.Models.GetBlobClient(ModelVersionRow.MetadataBlobOf(version.Model, version.Version)).DownloadContentAsync(cancellationToken);
        using var document = JsonDocument.Parse(metadata.Value.Content.ToMemory());
        if (!document.RootElement.TryGetProperty("search", out var trials) || trials.ValueKind != JsonValueKind.Array)
        {
            return;
        }

        foreach (var trial in trials.EnumerateArray())
        {
            AnsiConsole.MarkupLine("[grey]" + Markup.Escape($"  trial {trial.GetProperty("Trial")}: {trial.GetProperty("Trainer").GetString()} {trial.GetProperty("Hyperparameters").GetRawText()} → {trial.GetProperty("Metric")} {trial.GetProperty("Value")} by {trial.GetProperty("Protocol")} ({trial.GetProperty("Seconds")} s)") + "[/]");
        }
    }

    // The pipeline's kfold metrics: the factorization, the same factorization without factors (.biases) and popularity.
    private static void AddRecommender(Table table, Dictionary<string, double> metrics, int folds)
    {
        var dataset = $"MovieLens-100k-shaped, {folds}-fold CV";
        Add(table, $"{dataset}: matrix factorization", "RMSE (Surprise SVD on ML-100k)", [metrics["RMSE"]], 0.934, higherIsBetter: false, metrics["RMSE.sd"]);
        Add(table, $"{dataset}: biases only", "RMSE (Surprise BaselineOnly on ML-100k)", [metrics["RMSE.biases"]], 0.944, higherIsBetter: false, metrics["RMSE.biases.sd"]);
        Add(table, $"{dataset}: factorization's gain", "RMSE of biases only − MF (target)", [metrics["RMSE.biases"] - metrics["RMSE"]], 0.015, higherIsBetter: true);
        foreach (var (predictor, suffix) in new[] { ("matrix factorization", ""), ("biases only", ".biases"), ("popularity", ".popularity") })
        {
            if (metrics.TryGetValue("NDCG@10" + suffix, out double ndcg))
            {
                table.AddRow(Markup.Escape($"{dataset}: {predictor}"), "precision@10 / NDCG@10", F(metrics["Precision@10" + suffix]) + " / " + F(ndcg), "—", "");
            }
        }
    }

    private static void Add(Table table, string dataset, string metric, List<double> values, double published, bool higherIsBetter, double? spread = null)
    {
        double mean = values.Average();
        double sd = spread ?? StandardDeviation(values);
        double gap = higherIsBetter ? mean - published : published - mean;
        var ours = values.Count > 1 || spread is not null ? $"{F(mean)} ± {F(sd)}" : F(mean);
        var verdict = gap >= 0 ? $"[green]beats by {F(Math.Abs(gap))}[/]" : $"[yellow]short by {F(Math.Abs(gap))}[/]";
        table.AddRow(Markup.Escape(dataset), Markup.Escape(metric), ours, F(published), verdict);
    }

    private static string F(double value) => value.ToString(Math.Abs(value) >= 10 ? "0.00" : "0.0000", CultureInfo.InvariantCulture);

    private static MemoryStream Slice(string path, int rows)
    {
        var stream = new MemoryStream();
        using (var writer = new StreamWriter(stream, new UTF8Encoding(false), leaveOpen: true))
        {
            int n = -1;
            foreach (var line in File.ReadLines(path))
            {
                if (rows > 0 && n >= rows)
                {
                    break;
                }

                writer.Write(line);
                writer.Write("\r\n");
                n++;
            }
        }

        stream.Position = 0;
        return stream;
    }

    private static double StandardDeviation(List<double> values)
    {
        double mean = values.Average();
        return values.Count < 2 ? 0 : Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
    }
}
