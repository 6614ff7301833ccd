using System.Globalization;
using System.Text.Json;
using NetworkBuster.Training.Registry;
using Spectre.Console;

namespace NetworkBuster.Training.Cli;

/// <summary>How the CLI shows things to people.</summary>
internal static class Output
{
    public static void PrintVersion(ModelVersionRow row)
    {
        var summary = new Table().Border(TableBorder.Rounded).Title($"[bold]{row.Model}:{row.Version}[/]").AddColumn("Field").AddColumn("Value");
        summary.AddRow("Status", $"{row.Status}{(row.IsCurrent ? " [green](current)[/]" : "")}");
        summary.AddRow("Decision", Markup.Escape(row.StatusReason ?? ""));
        summary.AddRow("Trainer", Markup.Escape($"{row.Trainer} {row.Hyperparameters}"));
        summary.AddRow("Dataset", Markup.Escape($"{row.DatasetBlob} (sha256 {row.DatasetSha256?[..12]}…)"));
        summary.AddRow("Rows", string.Create(CultureInfo.InvariantCulture, $"train {row.TrainRows:N0} / validation {row.ValidationRows:N0} / test {row.TestRows:N0} (bad {row.BadRows:N0})"));
        summary.AddRow("Model", Markup.Escape($"{row.ModelBlob} ({row.ModelBytes:N0} bytes, sha256 {row.ModelSha256?[..12]}…)"));
        summary.AddRow("Training time", string.Create(CultureInfo.InvariantCulture, $"{row.TrainingSeconds:F1} s"));
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
