using System.Globalization;
using System.Text.Json;
using NetworkBuster.Training.Contracts;
using NetworkBuster.Training.Registry;
using Spectre.Console;

namespace NetworkBuster.Training.Cli;

/// <summary>How the CLI shows things to people.</summary>
internal static class Output
{
    public static readonly CultureInfo Culture = CultureInfo.InvariantCulture;

    private static readonly JsonSerializerOptions JsonOptions = new(PipelineJson.Options) { WriteIndented = true };

    /// <summary>Writes a value as JSON to standard output.</summary>
    public static void Json(object value) => Console.WriteLine(JsonSerializer.Serialize(value, JsonOptions));

    /// <summary>Writes JSON or a line of text.</summary>
    public static void Line(bool json, object value, string text)
    {
        if (json)
        {
            Json(value);
        }
        else
        {
            Console.WriteLine(text);
        }
    }

    /// <summary>Every column of a registry row, for JSON output.</summary>
    public static object RowFields(ModelVersionRow r) => new
    {
        r.Model, r.Version, r.Status, r.StatusReason, r.IsCurrent, r.Trainer, r.Hyperparameters, r.Metrics, r.PrimaryMetric, r.PrimaryMetricValue,
        r.BaselineVersion, r.BaselineMetricValue, r.DatasetBlob, r.DatasetSha256, r.DatasetETag, r.TrainRows, r.ValidationRows, r.TestRows, r.BadRows,
        r.InputSchema, r.InputSchemaBlob, r.InputSchemaSha256, r.DecisionThreshold, r.ModelBlob, r.ModelSha256, r.ModelBytes, r.JobId, r.InstanceId, r.CodeVersion, r.TrainingSeconds, r.CreatedAt, r.PromotedAt, r.BlobsDeletedAt,
    };

    /// <summary>Prints what metadata.json holds beyond the registry row: feature importance, baselines, reports.</summary>
    public static void PrintExtras(JsonElement? metadata)
    {
        if (metadata is not { ValueKind: JsonValueKind.Object } root || !root.TryGetProperty("insights", out var insights) || insights.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        if (insights.TryGetProperty("featureImportance", out var importance) && importance.ValueKind == JsonValueKind.Array)
        {
            var metric = insights.TryGetProperty("importanceMetric", out var m) ? m.GetString() : "primary metric";
            var table = new Table().Border(TableBorder.Rounded).Title($"[bold]Permutation feature importance[/] ({Markup.Escape(metric ?? "")} degradation)").AddColumn("Feature").AddColumn(new TableColumn("Importance").RightAligned());
            foreach (var item in importance.EnumerateArray().Take(15))
            {
                table.AddRow(Markup.Escape(Text(item, "feature")), Text(item, "importance"));
            }

            AnsiConsole.Write(table);
        }

        if (insights.TryGetProperty("baselines", out var baselines) && baselines.ValueKind == JsonValueKind.Object)
        {
            var table = new Table().Border(TableBorder.Rounded).Title("[bold]Trivial baselines on the same test rows[/]").AddColumn("Baseline").AddColumn(new TableColumn("Value").RightAligned());
            foreach (var baseline in baselines.EnumerateObject())
            {
                table.AddRow(Markup.Escape(baseline.Name), Format(baseline.Value));
            }

            AnsiConsole.Write(table);
        }

        if (insights.TryGetProperty("performanceReport", out var report) && report.TryGetProperty("endpoints", out var endpoints))
        {
            var table = new Table().Border(TableBorder.Rounded).Title("[bold]Bottlenecks per endpoint[/]").AddColumns("Endpoint", "Mean ms", "p95 ms", "Bottleneck", "Recommendation");
            foreach (var endpoint in endpoints.EnumerateArray())
            {
                table.AddRow(Markup.Escape(Text(endpoint, "endpoint")), Text(endpoint, "meanLatencyMs"), Text(endpoint, "p95LatencyMs"), Markup.Escape(Text(endpoint, "bottleneck")), Markup.Escape(Text(endpoint, "recommendation")));
            }

            AnsiConsole.Write(table);
        }

        if (insights.TryGetProperty("notes", out var notes) && notes.ValueKind == JsonValueKind.Object && notes.EnumerateObject().Any())
        {
            var table = new Table().Border(TableBorder.Rounded).Title("[bold]Ingest notes[/]").AddColumns("Note", "Value");
            foreach (var note in notes.EnumerateObject())
            {
                table.AddRow(Markup.Escape(note.Name), Markup.Escape(Format(note.Value)));
            }

            AnsiConsole.Write(table);
        }
    }

    private static string Text(JsonElement item, string name) => item.TryGetProperty(name, out var value) ? Format(value) : "";

    private static string Format(JsonElement value) => value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out double d)
        ? d.ToString("0.####", CultureInfo.InvariantCulture)
        : value.ValueKind == JsonValueKind.String ? value.GetString() ?? "" : value.ToString();

    public static void PrintVersion(ModelVersionRow row, bool detailed = false)
    {
        var summary = new Table().Border(TableBorder.Rounded).Title($"[bold]{row.Model}:{row.Version}[/]").AddColumn("Field").AddColumn("Value");
        summary.AddRow("Status", $"{row.Status}{(row.IsCurrent ? " [green](current)[/]" : "")}");
        summary.AddRow("Decision", Markup.Escape(row.StatusReason ?? ""));
        summary.AddRow("Trainer", Markup.Escape($"{row.Trainer} {row.Hyperparameters}"));
        summary.AddRow("Dataset", Markup.Escape($"{row.DatasetBlob} (sha256 {row.DatasetSha256?[..12]}…)"));
        summary.AddRow("Rows", string.Create(CultureInfo.InvariantCulture, $"train {row.TrainRows:N0} / validation {row.ValidationRows:N0} / test {row.TestRows:N0} (bad {row.BadRows:N0})"));
        summary.AddRow("Model", Markup.Escape($"{row.ModelBlob} ({row.ModelBytes:N0} bytes, sha256 {row.ModelSha256?[..12]}…)"));
        summary.AddRow("Training time", string.Create(CultureInfo.InvariantCulture, $"{row.TrainingSeconds:F1} s"));
        if (detailed)
        {
            summary.AddRow("Baseline", row.BaselineVersion is null ? "none" : string.Create(CultureInfo.InvariantCulture, $"v{row.BaselineVersion}: {row.PrimaryMetric} {row.BaselineMetricValue:0.####}"));
            summary.AddRow("Dataset ETag", Markup.Escape(row.DatasetETag ?? ""));
            summary.AddRow("Dataset SHA-256", row.DatasetSha256 ?? "");
            summary.AddRow("Model SHA-256", row.ModelSha256 ?? "");
            if (row.DecisionThreshold is { } threshold)
        {
            summary.AddRow("Decision threshold", threshold.ToString("0.####", System.Globalization.CultureInfo.InvariantCulture));
        }

        summary.AddRow("Input schema", Markup.Escape(row.InputSchema ?? (row.InputSchemaBlob is { } blob ? $"{blob} (too wide for the row; sha256 {row.InputSchemaSha256})" : "")));
            summary.AddRow("Job / instance", Markup.Escape($"{row.JobId} / {row.InstanceId}"));
            summary.AddRow("Code version", Markup.Escape(row.CodeVersion ?? ""));
            summary.AddRow("Created / promoted", string.Create(CultureInfo.InvariantCulture, $"{row.CreatedAt:u} / {row.PromotedAt:u}"));
            if (row.BlobsDeletedAt is { } deleted)
            {
                summary.AddRow("Blobs deleted", deleted.ToString("u", CultureInfo.InvariantCulture));
            }
        }

        AnsiConsole.Write(summary);

        var metrics = new Table().Border(TableBorder.Rounded).Title("[bold]Test-split metrics[/]").AddColumn("Metric").AddColumn(new TableColumn("Value").RightAligned());
        foreach (var (name, value) in JsonSerializer.Deserialize<Dictionary<string, double>>(row.Metrics ?? "{}") ?? [])
        {
            var label = name == row.PrimaryMetric ? $"[bold]{name}[/] (primary)" : name;
            metrics.AddRow(label, value.ToString("0.####", CultureInfo.InvariantCulture));
        }

        AnsiConsole.Write(metrics);
    }
}
