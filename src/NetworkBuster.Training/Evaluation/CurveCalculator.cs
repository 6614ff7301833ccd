using Microsoft.ML;
using NetworkBuster.Training.Datasets;

namespace NetworkBuster.Training.Evaluation;

/// <summary>Computes <see cref="EvaluationCurves"/> from scored test rows; pure apart from reading the scored view.</summary>
public static class CurveCalculator
{
    /// <summary>The most points kept of a curve or scatter plot.</summary>
    public const int MaxPoints = 200;

    private const int CalibrationBins = 10;
    private const int ResidualBins = 20;

    /// <summary>The curves of a scored view: binary when it has a probability, regression when it has a float score; else null.</summary>
    public static EvaluationCurves? FromScored(IDataView scored, double? threshold)
    {
        ArgumentNullException.ThrowIfNull(scored);
        if (Metrics.ThresholdPolicy.Read(scored) is { Count: > 0 } binary)
        {
            return Binary(binary, threshold ?? 0.5);
        }

        return ReadRegression(scored) is { Count: > 0 } pairs ? Regression(pairs) : null;
    }

    /// <summary>ROC, precision-recall, confusion at <paramref name="threshold"/> and calibration.</summary>
    public static EvaluationCurves Binary(IReadOnlyList<(bool Label, float Probability)> rows, double threshold)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var sorted = rows.OrderByDescending(r => r.Probability).ToArray();
        long positives = sorted.LongCount(r => r.Label), negatives = sorted.Length - positives;
        var roc = new List<CurvePoint> { new(0, 0) };
        var pr = new List<CurvePoint>();
        long tp = 0, fp = 0;
        for (int i = 0; i < sorted.Length; i++)
        {
            if (sorted[i].Label)
            {
                tp++;
            }
            else
            {
                fp++;
            }

            // One point per distinct score: tied rows move the curve together.
            if (i + 1 < sorted.Length && sorted[i + 1].Probability == sorted[i].Probability)
            {
                continue;
            }

            roc.Add(new CurvePoint(Ratio(fp, negatives), Ratio(tp, positives)));
            pr.Add(new CurvePoint(Ratio(tp, positives), Ratio(tp, tp + fp)));
        }

        long tpAt = sorted.LongCount(r => r.Label && r.Probability >= threshold);
        long fpAt = sorted.LongCount(r => !r.Label && r.Probability >= threshold);
        return new EvaluationCurves
        {
            Roc = Thin(roc),
            PrecisionRecall = Thin(pr),
            Confusion = new ConfusionCounts(threshold, tpAt, fpAt, negatives - fpAt, positives - tpAt),
            Calibration = [.. Enumerable.Range(0, CalibrationBins)
                .Select(b => (From: b / (double)CalibrationBins, To: (b + 1) / (double)CalibrationBins, Rows: sorted.Where(r => Bin(r.Probability, CalibrationBins) == b).ToArray()))
                .Where(b => b.Rows.Length > 0)
                .Select(b => new CalibrationBin(b.From, b.To, Round(b.Rows.Average(r => (double)r.Probability)), Round(b.Rows.Count(r => r.Label) / (double)b.Rows.Length), b.Rows.Length))],
        };
    }

    /// <summary>
    /// An anomaly model's curves: the histogram of its test scores and, with known anomalies, ROC, precision-recall and
    /// the confusion matrix at its threshold (no calibration: a score is not a probability).
    /// </summary>
    public static EvaluationCurves Anomaly(IReadOnlyList<(bool Label, float Score)> rows, double? threshold, bool labeled)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var scores = Histogram([.. rows.Select(r => (double)r.Score)], ResidualBins);
        return labeled && rows.Any(r => r.Label) && rows.Any(r => !r.Label)
            ? Binary(rows, threshold ?? 1) with { Calibration = null, Scores = scores }
            : new EvaluationCurves { Scores = scores };
    }

    /// <summary>An even sample of (actual, predicted) and the residuals' histogram.</summary>
    public static EvaluationCurves Regression(IReadOnlyList<(float Actual, float Predicted)> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var finite = rows.Where(r => float.IsFinite(r.Actual) && float.IsFinite(r.Predicted)).ToArray();
        var residuals = finite.Select(r => (double)r.Actual - r.Predicted).ToArray();
        return new EvaluationCurves
        {
            PredictedVsActual = Thin([.. finite.Select(r => new CurvePoint(r.Actual, r.Predicted))]),
            Residuals = Histogram(residuals, ResidualBins),
        };
    }

    /// <summary>Equal-width bins over the values' range.</summary>
    public static IReadOnlyList<HistogramBin> Histogram(IReadOnlyList<double> values, int bins)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
        {
            return [];
        }

        double min = values.Min(), max = values.Max();
        double width = max > min ? (max - min) / bins : 1;
        var counts = new long[bins];
        foreach (double v in values)
        {
            counts[Math.Clamp((int)((v - min) / width), 0, bins - 1)]++;
        }

        return [.. counts.Select((c, b) => new HistogramBin(Round(min + (b * width)), Round(min + ((b + 1) * width)), c))];
    }

    private static List<(float Actual, float Predicted)>? ReadRegression(IDataView scored)
    {
        if (scored.Schema.GetColumnOrNull("Score") is not { } score || score.Type != Microsoft.ML.Data.NumberDataViewType.Single
            || scored.Schema.GetColumnOrNull(SnapshotSchema.LabelColumn) is not { } label || label.Type != Microsoft.ML.Data.NumberDataViewType.Single)
        {
            return null;
        }

        using var cursor = scored.GetRowCursor([label, score]);
        var (getLabel, getScore) = (cursor.GetGetter<float>(label), cursor.GetGetter<float>(score));
        var rows = new List<(float, float)>();
        float l = 0, s = 0;
        while (cursor.MoveNext())
        {
            getLabel(ref l);
            getScore(ref s);
            rows.Add((l, s));
        }

        return rows;
    }

    private static CurvePoint[] Thin(List<CurvePoint> points)
    {
        if (points.Count <= MaxPoints)
        {
            return [.. points.Select(p => new CurvePoint(Round(p.X), Round(p.Y)))];
        }

        double step = (points.Count - 1) / (double)(MaxPoints - 1);
        return [.. Enumerable.Range(0, MaxPoints).Select(k => points[(int)Math.Round(k * step)]).Select(p => new CurvePoint(Round(p.X), Round(p.Y)))];
    }

    private static int Bin(float probability, int bins) => Math.Clamp((int)(probability * bins), 0, bins - 1);

    private static double Ratio(long a, long b) => b == 0 ? 0 : a / (double)b;

    private static double Round(double v) => Math.Round(v, 5);
}
