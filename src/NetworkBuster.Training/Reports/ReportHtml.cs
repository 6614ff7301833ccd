using System.Globalization;
using System.Text;
using NetworkBuster.Training.Evaluation;
using static NetworkBuster.Training.Reports.SvgChart;

namespace NetworkBuster.Training.Reports;

/// <summary>
/// Renders a <see cref="ModelReport"/> as one self-contained HTML page (inline CSS and SVG, no script, no font,
/// no external resource), readable offline. Pure: the same report gives the same bytes.
/// </summary>
public static class ReportHtml
{
    private const int MaxImportanceBars = 15;
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    private const string Style = """
        body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px;color:#222;background:#fff;max-width:1000px}
        h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}
        .sub{color:#555;margin:0 0 12px}.decision{padding:10px 14px;border-radius:6px;margin:12px 0}
        .promote{background:#e9f7ef;border:1px solid #1e8449}.hold{background:#fdf2e9;border:1px solid #ca6f1e}
        table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ddd;padding:4px 8px;text-align:left}
        td.n{text-align:right;font-variant-numeric:tabular-nums}.charts{display:flex;flex-wrap:wrap;gap:16px}
        figure.chart{margin:0;border:1px solid #eee;border-radius:6px;padding:8px}figcaption{font-size:13px;font-weight:600;margin-bottom:4px}
        .note{color:#666;font-size:12px}
        """;

    /// <summary>The page.</summary>
    public static string Render(ModelReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var html = new StringBuilder();
        string title = $"{report.Model}:{report.Version.ToString(Invariant)}";
        html.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>").Append(Encode(title)).Append(" — model report</title>");
        html.Append("<style>").Append(Style).Append("</style></head><body>");
        html.Append("<h1>").Append(Encode(title)).Append("</h1>");
        html.Append("<p class=\"sub\">").Append(Encode(Summary(report))).Append("</p>");
        html.Append("<div class=\"decision ").Append(report.Promote ? "promote" : "hold").Append("\" id=\"decision\"><strong>")
            .Append(report.Promote ? "Promoted" : "Not promoted").Append(" (").Append(Encode(report.Status)).Append(")</strong>: ")
            .Append(Encode(report.Decision)).Append("</div>");
        Metrics(html, report);
        html.Append("<h2>Charts</h2><div class=\"charts\">");
        foreach (string chart in report.Charts)
        {
            var (caption, svg) = Chart(report, chart);
            html.Append("<figure class=\"chart\" data-chart=\"").Append(chart).Append("\"><figcaption>").Append(Encode(caption)).Append("</figcaption>").Append(svg).Append("</figure>");
        }

        html.Append("</div>");
        if (report.Charts.Count == 0)
        {
            html.Append("<p class=\"note\">No charts: this version has no held-out rows to draw (k-fold) and no importance or curves.</p>");
        }

        Trials(html, report);
        DriftTable(html, report);
        html.Append("</body></html>");
        return html.ToString();
    }

    private static string Summary(ModelReport r)
    {
        var parts = new List<string> { $"{r.Task.ToString().ToLowerInvariant()} model trained with {r.Trainer ?? "?"}" };
        if (r.Dataset is not null)
        {
            parts.Add($"on {r.Dataset}");
        }

        parts.Add(string.Create(Invariant, $"rows {r.Rows.Train:N0} train / {r.Rows.Validation:N0} validation / {r.Rows.Test:N0} test"));
        if (r.JobId is not null)
        {
            parts.Add($"job {r.JobId}");
        }

        if (r.CreatedAt is { } at)
        {
            parts.Add("registered " + at.ToString("u", Invariant));
        }

        return string.Join(" · ", parts);
    }

    private static void Metrics(StringBuilder html, ModelReport r)
    {
        html.Append("<h2>Metrics on the test split</h2><table id=\"metrics\"><tr><th>metric</th><th>this version</th>");
        bool hasCurrent = r.BaselineVersion is not null;
        if (hasCurrent)
        {
            html.Append("<th>current v").Append(r.BaselineVersion!.Value.ToString(Invariant)).Append("</th>");
        }

        html.Append("<th>trivial baselines</th></tr>");
        foreach (var (name, value) in r.Metrics.OrderBy(m => m.Key == r.PrimaryMetric ? 0 : 1).ThenBy(m => m.Key, StringComparer.Ordinal))
        {
            html.Append("<tr><td>").Append(name == r.PrimaryMetric ? $"<strong>{Encode(name)}</strong> (primary)" : Encode(name)).Append("</td><td class=\"n\">").Append(Format(value)).Append("</td>");
            if (hasCurrent)
            {
                html.Append("<td class=\"n\">").Append(name == r.PrimaryMetric && r.BaselineMetricValue is { } b ? Format(b) : "").Append("</td>");
            }

            var trivial = r.Baselines.Where(b => b.Key.StartsWith(name + ".", StringComparison.Ordinal)).Select(b => $"{b.Key[(name.Length + 1)..]} {Format(b.Value)}");
            html.Append("<td>").Append(Encode(string.Join(", ", trivial))).Append("</td></tr>");
        }

        html.Append("</table>");
    }

    private static (string Caption, string Svg) Chart(ModelReport r, string chart)
    {
        var c = r.Curves;
        return chart switch
        {
            ReportCharts.Roc => (
                $"ROC curve (AUC {MetricText(r, "AUC")})",
                Lines([new ChartSeries("model", c!.Roc!, "#2e86c1")], "false positive rate", "true positive rate", (0, 1), (0, 1), diagonal: true)),
            ReportCharts.PrecisionRecall => (
                "Precision-recall curve" + (r.Metrics.ContainsKey("AUCPR") ? $" (AUCPR {MetricText(r, "AUCPR")})" : ""),
                Lines([new ChartSeries("model", c!.PrecisionRecall!, "#16a085")], "recall", "precision", (0, 1), (0, 1))),
            ReportCharts.Confusion => ("Confusion matrix at the decision threshold", Confusion(c!.Confusion!)),
            ReportCharts.Calibration => (
                "Calibration: observed positive share by predicted probability",
                Lines([new ChartSeries("model", [.. c!.Calibration!.Select(b => new CurvePoint(b.Predicted, b.Observed))], "#d35400")], "mean predicted probability", "observed positive share", (0, 1), (0, 1), diagonal: true)),
            ReportCharts.PredictedVsActual => (
                "Predicted against actual (test rows)",
                Lines([new ChartSeries("rows", c!.PredictedVsActual!, "#2e86c1", Dots: true)], "actual", "predicted", diagonal: true)),
            ReportCharts.Residuals => ("Residuals (actual − predicted)", Histogram(c!.Residuals!, "residual")),
            ReportCharts.Scores => ($"Anomaly scores of the test rows (flagged at {MetricText(r, "DecisionThreshold")} and above)", Histogram(c!.Scores!, "anomaly score")),
            ReportCharts.Ranking => (
                "Ranking quality at k against popularity",
                Bars([.. r.Metrics.Where(m => ReportCharts.IsRankingMetric(m.Key)).OrderBy(m => m.Key, StringComparer.Ordinal)
                    .SelectMany(m => new[] { (m.Key + " model", m.Value) }.Concat(r.Baselines.Where(b => b.Key.StartsWith(m.Key + ".", StringComparison.Ordinal)).Select(b => (b.Key, b.Value))))], "value")),
            ReportCharts.FeatureImportance => (
                "Feature importance (permutation, " + Encode(r.PrimaryMetric) + " degradation)",
                Bars([.. r.FeatureImportance.Take(MaxImportanceBars).Select(f => (f.Feature, f.Importance))], $"{r.PrimaryMetric} degradation when shuffled")),
            ReportCharts.TrainingCurve => (
                string.Create(Invariant, $"Training curve: validation {r.TrainingCurve!.Metric} by {r.TrainingCurve.Unit} (kept {r.TrainingCurve.Chosen})"),
                Lines([new ChartSeries(r.TrainingCurve.Metric, [.. r.TrainingCurve.Rounds.Zip(r.TrainingCurve.Values, (x, y) => new CurvePoint(x, y))], "#2e86c1")], r.TrainingCurve.Unit, "validation " + r.TrainingCurve.Metric, x: (1, r.TrainingCurve.Rounds[^1]), markX: r.TrainingCurve.Chosen)),
            ReportCharts.Trials => (
                $"Search trials ({r.TrialMetric ?? r.PrimaryMetric})",
                Bars([.. r.Trials.Where(t => t.Value is not null).Select(t => ($"#{t.Trial.ToString(Invariant)} {t.Trainer}", t.Value!.Value))], r.TrialMetric ?? r.PrimaryMetric, "#7f8c8d")),
            _ => throw new ArgumentOutOfRangeException(nameof(chart), chart, "Expected one of the report's charts."),
        };
    }

    private static string MetricText(ModelReport r, string name) => r.Metrics.TryGetValue(name, out double v) ? Format(v) : "–";

    private static void DriftTable(StringBuilder html, ModelReport r)
    {
        html.Append("<h2>Data drift</h2>");
        if (r.Drift is not { } d)
        {
            html.Append("<p class=\"note\" id=\"drift\">No drift measured: there was no current version with a profile to compare this training data with.</p>");
            return;
        }

        html.Append("<p class=\"note\">Training data against v").Append(d.ReferenceVersion.ToString(Invariant)).Append("'s profile: max PSI <strong>").Append(Format(d.MaxPsi))
            .Append("</strong> (").Append(Encode(d.Level)).Append("), ").Append(d.FeaturesCompared.ToString(Invariant)).Append(" features compared; the most drifted below.</p>");
        html.Append("<table id=\"drift\"><tr><th>feature</th><th>kind</th><th>PSI</th><th>KS</th><th>level</th><th>training mean</th><th>new mean</th></tr>");
        foreach (var f in d.Features.Concat(d.Label is { } l ? [l with { Feature = "label: " + l.Feature }] : []))
        {
            html.Append("<tr><td>").Append(Encode(f.Feature)).Append("</td><td>").Append(f.Kind).Append("</td><td class=\"n\">").Append(Format(f.Psi))
                .Append("</td><td class=\"n\">").Append(f.Ks is { } ks ? Format(ks) : "").Append("</td><td>").Append(Encode(f.Level))
                .Append("</td><td class=\"n\">").Append(f.TrainingMean is { } a ? Format(a) : "").Append("</td><td class=\"n\">").Append(f.NewMean is { } b ? Format(b) : "").Append("</td></tr>");
        }

        html.Append("</table>");
    }

    private static void Trials(StringBuilder html, ModelReport r)
    {
        if (r.Trials.Count == 0)
        {
            return;
        }

        html.Append("<h2>Search trials</h2><table id=\"trials\"><tr><th>trial</th><th>trainer</th><th>")
            .Append(Encode(r.TrialMetric ?? r.PrimaryMetric)).Append("</th><th>seconds</th></tr>");
        foreach (var t in r.Trials)
        {
            html.Append("<tr><td class=\"n\">").Append(t.Trial.ToString(Invariant)).Append("</td><td>").Append(Encode(t.Trainer))
                .Append("</td><td class=\"n\">").Append(t.Value is { } v ? Format(v) : "–").Append("</td><td class=\"n\">").Append(Format(t.Seconds)).Append("</td></tr>");
        }

        html.Append("</table>");
    }
}
