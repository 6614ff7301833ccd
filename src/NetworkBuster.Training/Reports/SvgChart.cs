using System.Globalization;
using System.Net;
using System.Text;
using NetworkBuster.Training.Evaluation;

namespace NetworkBuster.Training.Reports;

/// <summary>A series of a line or scatter chart.</summary>
/// <param name="Name">Its legend.</param>
/// <param name="Points">Its points.</param>
/// <param name="Color">A CSS color.</param>
/// <param name="Dots">Draw dots instead of a line.</param>
public sealed record ChartSeries(string Name, IReadOnlyList<CurvePoint> Points, string Color, bool Dots = false);

/// <summary>Inline SVG charts with axes and ticks: no script, no font, no external resource.</summary>
public static class SvgChart
{
    private const double Width = 460, Height = 320, Left = 58, Right = 16, Top = 16, Bottom = 46;
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>Lines or dots over shared axes; <paramref name="diagonal"/> draws y = x, <paramref name="markX"/> a vertical marker.</summary>
    public static string Lines(IReadOnlyList<ChartSeries> series, string xLabel, string yLabel, (double Min, double Max)? x = null, (double Min, double Max)? y = null, bool diagonal = false, double? markX = null)
    {
        ArgumentNullException.ThrowIfNull(series);
        var all = series.SelectMany(s => s.Points).ToList();
        var xr = x ?? Range(all.Select(p => p.X));
        var yr = y ?? Range(all.Select(p => p.Y));
        if (diagonal && x is null && y is null)
        {
            xr = yr = (Math.Min(xr.Min, yr.Min), Math.Max(xr.Max, yr.Max));
        }

        var svg = Open(xLabel, yLabel, xr, yr, out var px, out var py);
        if (diagonal)
        {
            double lo = Math.Max(xr.Min, yr.Min), hi = Math.Min(xr.Max, yr.Max);
            svg.Append(Invariant, $"<line x1=\"{px(lo):F1}\" y1=\"{py(lo):F1}\" x2=\"{px(hi):F1}\" y2=\"{py(hi):F1}\" stroke=\"#999\" stroke-dasharray=\"4 4\"/>");
        }

        if (markX is { } m)
        {
            svg.Append(Invariant, $"<line x1=\"{px(m):F1}\" y1=\"{Top}\" x2=\"{px(m):F1}\" y2=\"{Height - Bottom}\" stroke=\"#c0392b\" stroke-dasharray=\"3 3\"/>");
        }

        foreach (var s in series)
        {
            if (s.Dots)
            {
                foreach (var p in s.Points)
                {
                    svg.Append(Invariant, $"<circle cx=\"{px(p.X):F1}\" cy=\"{py(p.Y):F1}\" r=\"2.5\" fill=\"{s.Color}\" fill-opacity=\"0.6\"/>");
                }
            }
            else if (s.Points.Count > 0)
            {
                svg.Append("<polyline fill=\"none\" stroke-width=\"2\" stroke=\"").Append(s.Color).Append("\" points=\"");
                svg.AppendJoin(' ', s.Points.Select(p => string.Create(Invariant, $"{px(p.X):F1},{py(p.Y):F1}")));
                svg.Append("\"/>");
            }
        }

        Legend(svg, series.Select(s => (s.Name, s.Color)).ToList());
        return Close(svg);
    }

    /// <summary>Horizontal bars, one per label, from zero (negative values to the left).</summary>
    public static string Bars(IReadOnlyList<(string Label, double Value)> bars, string valueLabel, string color = "#2e86c1")
    {
        ArgumentNullException.ThrowIfNull(bars);
        const double labelWidth = 150, rowHeight = 22;
        double height = Top + Bottom + (rowHeight * Math.Max(1, bars.Count));
        double min = Math.Min(0, bars.Count == 0 ? 0 : bars.Min(b => b.Value)), max = Math.Max(0, bars.Count == 0 ? 1 : bars.Max(b => b.Value));
        if (max <= min)
        {
            max = min + 1;
        }

        const double valueRoom = 56;
        double plot = Width - labelWidth - Right - valueRoom;
        double X(double v) => labelWidth + ((v - min) / (max - min) * plot);
        var svg = new StringBuilder();
        svg.Append(Invariant, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{height:F0}\" viewBox=\"0 0 {Width} {height:F0}\" role=\"img\">");
        for (int i = 0; i < bars.Count; i++)
        {
            var (label, value) = bars[i];
            double y = Top + (i * rowHeight);
            double x0 = X(Math.Min(0, value)), x1 = X(Math.Max(0, value));
            svg.Append(Invariant, $"<text x=\"{labelWidth - 6}\" y=\"{y + 15:F1}\" text-anchor=\"end\" font-size=\"11\">{Encode(Shorten(label, 24))}</text>");
            svg.Append(Invariant, $"<rect x=\"{x0:F1}\" y=\"{y + 3:F1}\" width=\"{Math.Max(1, x1 - x0):F1}\" height=\"{rowHeight - 6}\" fill=\"{color}\"><title>{Encode(label)}: {Format(value)}</title></rect>");
            svg.Append(Invariant, $"<text x=\"{x1 + 4:F1}\" y=\"{y + 15:F1}\" font-size=\"10\" fill=\"#555\">{Format(value)}</text>");
        }

        double axis = Top + (rowHeight * Math.Max(1, bars.Count));
        svg.Append(Invariant, $"<line x1=\"{X(0):F1}\" y1=\"{Top}\" x2=\"{X(0):F1}\" y2=\"{axis:F1}\" stroke=\"#333\"/>");
        svg.Append(Invariant, $"<text x=\"{labelWidth + (plot / 2):F1}\" y=\"{axis + 30:F1}\" text-anchor=\"middle\" font-size=\"12\">{Encode(valueLabel)}</text>");
        return Close(svg);
    }

    /// <summary>A histogram's bins as columns.</summary>
    public static string Histogram(IReadOnlyList<HistogramBin> bins, string xLabel, string color = "#8e44ad")
    {
        ArgumentNullException.ThrowIfNull(bins);
        var xr = (bins[0].From, bins[^1].To);
        var yr = (0.0, Math.Max(1, bins.Max(b => b.Count)));
        var svg = Open(xLabel, "rows", xr, yr, out var px, out var py);
        foreach (var b in bins)
        {
            svg.Append(Invariant, $"<rect x=\"{px(b.From):F1}\" y=\"{py(b.Count):F1}\" width=\"{Math.Max(1, px(b.To) - px(b.From) - 1):F1}\" height=\"{py(0) - py(b.Count):F1}\" fill=\"{color}\"><title>{Format(b.From)} to {Format(b.To)}: {b.Count}</title></rect>");
        }

        return Close(svg);
    }

    /// <summary>A 2×2 confusion matrix, cells shaded by their share of the rows.</summary>
    public static string Confusion(ConfusionCounts c)
    {
        ArgumentNullException.ThrowIfNull(c);
        long total = Math.Max(1, c.TruePositives + c.FalsePositives + c.TrueNegatives + c.FalseNegatives);
        var svg = new StringBuilder();
        svg.Append(Invariant, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" role=\"img\">");
        const double x0 = 120, y0 = 46, cell = 132;
        (string Name, long Count, int Row, int Col)[] cells =
        [
            ("true negatives", c.TrueNegatives, 0, 0), ("false positives", c.FalsePositives, 0, 1),
            ("false negatives", c.FalseNegatives, 1, 0), ("true positives", c.TruePositives, 1, 1),
        ];
        foreach (var (name, count, row, col) in cells)
        {
            double share = count / (double)total;
            double x = x0 + (col * cell), y = y0 + (row * cell);
            string fill = row == col ? "#1e8449" : "#c0392b";
            svg.Append(Invariant, $"<rect x=\"{x}\" y=\"{y}\" width=\"{cell - 2}\" height=\"{cell - 2}\" fill=\"{fill}\" fill-opacity=\"{0.15 + (0.75 * share):F2}\"><title>{name}: {count}</title></rect>");
            svg.Append(Invariant, $"<text x=\"{x + (cell / 2) - 1}\" y=\"{y + (cell / 2)}\" text-anchor=\"middle\" font-size=\"18\" font-weight=\"bold\">{count.ToString("N0", Invariant)}</text>");
            svg.Append(Invariant, $"<text x=\"{x + (cell / 2) - 1}\" y=\"{y + (cell / 2) + 18}\" text-anchor=\"middle\" font-size=\"11\">{name}</text>");
            svg.Append(Invariant, $"<text x=\"{x + (cell / 2) - 1}\" y=\"{y + (cell / 2) + 32}\" text-anchor=\"middle\" font-size=\"11\">{share:P1} of rows</text>");
        }

        svg.Append(Invariant, $"<text x=\"{x0 + cell}\" y=\"{y0 - 26}\" text-anchor=\"middle\" font-size=\"12\">predicted (at {Format(c.Threshold)})</text>");
        svg.Append(Invariant, $"<text x=\"{x0 + (cell / 2)}\" y=\"{y0 - 8}\" text-anchor=\"middle\" font-size=\"11\">negative</text><text x=\"{x0 + (cell * 1.5)}\" y=\"{y0 - 8}\" text-anchor=\"middle\" font-size=\"11\">positive</text>");
        svg.Append(Invariant, $"<text x=\"{x0 - 10}\" y=\"{y0 + (cell / 2)}\" text-anchor=\"end\" font-size=\"11\">actual negative</text><text x=\"{x0 - 10}\" y=\"{y0 + (cell * 1.5)}\" text-anchor=\"end\" font-size=\"11\">actual positive</text>");
        return Close(svg);
    }

    /// <summary>A number as the report prints it (four significant digits, invariant culture).</summary>
    public static string Format(double value) =>
        !double.IsFinite(value) ? "–" : Math.Abs(value) >= 10_000 ? value.ToString("N0", Invariant) : value.ToString("G4", Invariant);

    /// <summary>HTML/XML-escaped text.</summary>
    public static string Encode(string text) => WebUtility.HtmlEncode(text);

    private static StringBuilder Open(string xLabel, string yLabel, (double Min, double Max) xr, (double Min, double Max) yr, out Func<double, double> px, out Func<double, double> py)
    {
        var svg = new StringBuilder();
        svg.Append(Invariant, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" role=\"img\">");
        double plotW = Width - Left - Right, plotH = Height - Top - Bottom;
        var (xMin, xMax) = xr;
        var (yMin, yMax) = yr;
        px = v => Left + ((v - xMin) / (xMax - xMin) * plotW);
        py = v => Top + plotH - ((v - yMin) / (yMax - yMin) * plotH);
        svg.Append(Invariant, $"<rect x=\"{Left}\" y=\"{Top}\" width=\"{plotW}\" height=\"{plotH}\" fill=\"#fbfbfb\" stroke=\"#333\"/>");
        for (int k = 0; k <= 4; k++)
        {
            double xv = xMin + ((xMax - xMin) * k / 4), yv = yMin + ((yMax - yMin) * k / 4);
            svg.Append(Invariant, $"<line x1=\"{px(xv):F1}\" y1=\"{Top}\" x2=\"{px(xv):F1}\" y2=\"{Top + plotH}\" stroke=\"#e5e5e5\"/>");
            svg.Append(Invariant, $"<line x1=\"{Left}\" y1=\"{py(yv):F1}\" x2=\"{Left + plotW}\" y2=\"{py(yv):F1}\" stroke=\"#e5e5e5\"/>");
            svg.Append(Invariant, $"<text x=\"{px(xv):F1}\" y=\"{Top + plotH + 14}\" text-anchor=\"middle\" font-size=\"10\">{Format(xv)}</text>");
            svg.Append(Invariant, $"<text x=\"{Left - 4}\" y=\"{py(yv) + 3:F1}\" text-anchor=\"end\" font-size=\"10\">{Format(yv)}</text>");
        }

        svg.Append(Invariant, $"<text x=\"{Left + (plotW / 2)}\" y=\"{Height - 8}\" text-anchor=\"middle\" font-size=\"12\">{Encode(xLabel)}</text>");
        svg.Append(Invariant, $"<text x=\"14\" y=\"{Top + (plotH / 2)}\" text-anchor=\"middle\" font-size=\"12\" transform=\"rotate(-90 14 {Top + (plotH / 2)})\">{Encode(yLabel)}</text>");
        return svg;
    }

    private static void Legend(StringBuilder svg, List<(string Name, string Color)> entries)
    {
        for (int i = 0; i < entries.Count && entries.Count > 1; i++)
        {
            double y = Top + 14 + (i * 14);
            svg.Append(Invariant, $"<rect x=\"{Left + 8}\" y=\"{y - 8}\" width=\"10\" height=\"10\" fill=\"{entries[i].Color}\"/><text x=\"{Left + 22}\" y=\"{y + 1}\" font-size=\"11\">{Encode(entries[i].Name)}</text>");
        }
    }

    private static string Close(StringBuilder svg) => svg.Append("</svg>").ToString();

    private static (double Min, double Max) Range(IEnumerable<double> values)
    {
        var finite = values.Where(double.IsFinite).ToList();
        if (finite.Count == 0)
        {
            return (0, 1);
        }

        double min = finite.Min(), max = finite.Max();
        double pad = max > min ? (max - min) * 0.05 : Math.Max(1, Math.Abs(min) * 0.1);
        return (min - pad, max + pad);
    }

    private static string Shorten(string text, int length) => text.Length <= length ? text : string.Concat(text.AsSpan(0, length - 1), "…");
}
