using System.Globalization;
using System.Text;

namespace NetworkBuster.Training.Cli.Benchmarks;

/// <summary>Writes a benchmark run as a markdown section: machine, table of figures, recommendations.</summary>
public static class BenchmarkMarkdown
{
    /// <summary>A number as the tables print it: three significant digits, more for large values.</summary>
    public static string Number(double value) =>
        double.IsNaN(value) ? "n/a"
        : Math.Abs(value) >= 100 ? value.ToString("N0", CultureInfo.InvariantCulture)
        : Math.Abs(value) >= 10 ? value.ToString("0.0", CultureInfo.InvariantCulture)
        : value.ToString("0.00", CultureInfo.InvariantCulture);

    /// <summary>A ratio as the tables print it.</summary>
    public static string Ratio(double ratio) =>
        double.IsNaN(ratio) ? "n/a" : ratio.ToString("0.00", CultureInfo.InvariantCulture) + "×";

    /// <summary>Whether a target was met, as the tables print it.</summary>
    public static string Met(bool? met) => met switch { true => "yes", false => "**no**", null => "–" };

    /// <summary>The markdown of a run.</summary>
    public static string Render(BenchmarkReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var m = report.Machine;
        var text = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        text.AppendLine(c, $"### Run of {m.At:yyyy-MM-dd HH:mm} UTC");
        text.AppendLine();
        text.AppendLine(c, $"- Machine: {m.Cores} cores, {m.MemoryBytes / (1024.0 * 1024 * 1024):0.0} GiB, {m.OperatingSystem}, {m.Runtime}");
        text.AppendLine(c, $"- Command: `{report.Arguments}`");
        text.AppendLine(c, $"- Duration: {report.Elapsed.TotalMinutes:0.0} min");
        text.AppendLine();
        text.AppendLine("| group | figure | value | reference | ratio | target | met? | note |");
        text.AppendLine("|---|---|---:|---|---:|---|---|---|");
        foreach (var f in report.Figures)
        {
            text.AppendLine(c, $"| {f.Group} | {Cell(f.Name)} | {Number(f.Value)} {f.Unit} | {Cell(f.ReferenceName)}: {Number(f.Reference)} {f.Unit} | {Ratio(f.Ratio)} | {Cell(f.Target)} | {Met(f.Met)} | {Cell(f.Note ?? "")} |");
        }

        if (report.Recommendations.Count > 0)
        {
            text.AppendLine();
            foreach (var recommendation in report.Recommendations)
            {
                text.AppendLine(c, $"- {recommendation}");
            }
        }

        return text.ToString();
    }

    private static string Cell(string value) => value.Replace("|", "\\|", StringComparison.Ordinal);
}
