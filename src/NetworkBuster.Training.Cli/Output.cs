using System.Globalization;
using System.Text.Json;
using NetworkBuster.Training.Registry;
using Spectre.Console;

namespace NetworkBuster.Training.Cli;

/// <summary>How the CLI shows things to people.</summary>
internal static class Output
{
    public static readonly CultureInfo Culture = CultureInfo.InvariantCulture;

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web) { WriteIndented = true };

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

    private static readonly HashSet<string> CoreMetadata = new(StringComparer.OrdinalIgnoreCase)
    {
        "model", "version", "status", "statusReason", "trainer", "hyperparameters", "metrics", "primaryMetric", "primaryMetricValue",
        "baselineVersion", "baselineMetricValue", "dataset", "rows", "inputSchema", "modelZip", "jobId", "instanceId", "codeVersion",
        "trainingSeconds", "createdAt",
    };

    /// <summary>Every column of a registry row, for JSON output.</summary>
    public static object RowFields(ModelVersionRow r) => new
    {
        r.Model, r.Version, r.Status, r.StatusReason, r.IsCurrent, r.Trainer, r.Hyperparameters, r.Metrics, r.PrimaryMetric, r.PrimaryMetricValue,
        r.BaselineVersion, r.BaselineMetricValue, r.DatasetBlob, r.DatasetSha256, r.DatasetETag, r.TrainRows, r.ValidationRows, r.TestRows, r.BadRows,
        r.InputSchema, r.ModelBlob, r.ModelSha256, r.ModelBytes, r.JobId, r.InstanceId, r.CodeVersion, r.TrainingSeconds, r.CreatedAt, r.PromotedAt, r.BlobsDeletedAt,
    };

    /// <summary>Prints what metadata.json holds beyond the registry row (feature importance, reports), as tables.</summary>
    public static void PrintExtras(JsonElement? metadata)
    {
        if (metadata is not { ValueKind: JsonValueKind.Object } root)
        {
            return;
        }

        foreach (var property in root.EnumerateObject().Where(p => !CoreMetadata.Contains(p.Name)))
        {
            var table = new Table().Border(TableBorder.Rounded).Title($"[bold]{Markup.Escape(property.Name)}[/]");
            var items = property.Value.ValueKind == JsonValueKind.Array ? property.Value.EnumerateArray().ToList() : [property.Value];
            var objects = items.Where(i => i.ValueKind == JsonValueKind.Object).ToList();
            if (objects.Count == 0)
            {
                table.AddColumn("Value");
                foreach (var item in items)
                {
                    table.AddRow(Markup.Escape(item.ToString()));
                }
            }
            else
            {
                var columns = objects.SelectMany(o => o.EnumerateObject().Select(p => p.Name)).Distinct().ToList();
                table.AddColumns([.. columns.Select(Markup.Escape)]);
                foreach (var item in objects.Take(30))
                {
                    table.AddRow([.. columns.Select(c => Markup.Escape(item.TryGetProperty(c, out var v) ? Format(v) : ""))]);
                }
            }

            AnsiConsole.Write(table);
        }
    }

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
            summary.AddRow("Input schema", Markup.Escape(row.InputSchema ?? ""));
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
