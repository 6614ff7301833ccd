using System.Text.RegularExpressions;
using NetworkBuster.Training.Contracts;
using NetworkBuster.Training.Evaluation;
using NetworkBuster.Training.Reports;

namespace NetworkBuster.Training.Tests.Reports;

/// <summary>The report generator: a report model in, one self-contained page out, with each chart the model calls for.</summary>
public partial class ReportHtmlTests
{
    private static readonly (bool Label, float Probability)[] Scored =
    [
        (true, 0.9f), (true, 0.8f), (false, 0.7f), (true, 0.6f), (false, 0.4f), (true, 0.3f), (false, 0.2f), (false, 0.15f), (false, 0.1f), (false, 0.05f),
    ];

    private static ModelReport Binary() => new(
        "churn", 3, ModelTask.Binary, "available", "fasttree", true, "AUC 0.91 beats current v2 (0.88)", "AUC", 0.91, 2, 0.88,
        new Dictionary<string, double> { ["AUC"] = 0.91, ["F1"] = 0.7, ["Accuracy"] = 0.8 },
        new Dictionary<string, double> { ["AUC.majority"] = 0.5 })
    {
        Curves = CurveCalculator.Binary(Scored, 0.5),
        FeatureImportance = [new FeatureImportance("tenure", 0.12), new FeatureImportance("<script>alert(1)</script>", -0.01)],
        TrainingCurve = TrainingCurve.From("AUC", [0.7, 0.8, 0.85, 0.84, 0.83], 3),
        Trials = [new ReportTrial(0, "fasttree", 0.9, 1.2), new ReportTrial(1, "lightgbm", null, 0.4)],
        TrialMetric = "AUC",
    };

    [Fact]
    public void BinaryReport_DrawsRocPrConfusionCalibrationImportanceCurveAndTrials()
    {
        var report = Binary();
        var html = ReportHtml.Render(report);

        Assert.Equal(
            [ReportCharts.Roc, ReportCharts.PrecisionRecall, ReportCharts.Confusion, ReportCharts.Calibration, ReportCharts.FeatureImportance, ReportCharts.TrainingCurve, ReportCharts.Trials],
            report.Charts);
        foreach (var chart in report.Charts)
        {
            Assert.Matches($"<figure class=\"chart\" data-chart=\"{chart}\"><figcaption>[^<]+</figcaption><svg [^>]*width=\"\\d+\" height=\"\\d+\"", html);
        }

        Assert.Contains("Promoted (available)", html, StringComparison.Ordinal);
        Assert.Contains("AUC 0.91 beats current v2 (0.88)", html, StringComparison.Ordinal);
        Assert.Contains("majority 0.5", html, StringComparison.Ordinal);
        Assert.Contains("kept 3", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Report_IsSelfContained_AndEscapesText()
    {
        var html = ReportHtml.Render(Binary());

        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("&lt;script&gt;", html, StringComparison.Ordinal);
        Assert.DoesNotMatch("(src|href)=\"(https?:)?//", html);
        Assert.DoesNotContain("@import", html, StringComparison.Ordinal);
        Assert.DoesNotContain("url(", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_IsPure_SameReportSameBytes() => Assert.Equal(ReportHtml.Render(Binary()), ReportHtml.Render(Binary()));

    [Fact]
    public void RegressionReport_DrawsPredictedVsActualAndResiduals_NotBinaryCharts()
    {
        var rows = Enumerable.Range(0, 500).Select(i => ((float)i, i + (i % 7) - 3f)).ToArray();
        var report = new ModelReport(
            "perf", 1, ModelTask.Regression, "rejected", "sdca", false, "RMSE 3.1 does not beat current v4 (2.9)", "RMSE", 3.1, 4, 2.9,
            new Dictionary<string, double> { ["RMSE"] = 3.1 }, new Dictionary<string, double> { ["RMSE.mean"] = 140 })
        {
            Curves = CurveCalculator.Regression(rows),
        };

        var html = ReportHtml.Render(report);

        Assert.Equal([ReportCharts.PredictedVsActual, ReportCharts.Residuals], report.Charts);
        Assert.Equal(CurveCalculator.MaxPoints, CircleCount().Count(html));
        Assert.Contains("Not promoted (rejected)", html, StringComparison.Ordinal);
        Assert.DoesNotContain("data-chart=\"roc\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public void RecommendationReport_DrawsRankingAgainstPopularity()
    {
        var report = new ModelReport(
            "recs", 2, ModelTask.Recommendation, "available", "mf", true, "first version", "RMSE", 0.9, null, null,
            new Dictionary<string, double> { ["RMSE"] = 0.9, ["Precision@10"] = 0.2, ["NDCG@10"] = 0.3 },
            new Dictionary<string, double> { ["NDCG@10.popularity"] = 0.1, ["Precision@10.popularity"] = 0.08 });

        var html = ReportHtml.Render(report);

        Assert.Equal([ReportCharts.Ranking], report.Charts);
        Assert.Contains("NDCG@10.popularity", html, StringComparison.Ordinal);
    }

    [Fact]
    public void RecommendationReport_WithAnEpochCurve_DrawsItByEpoch()
    {
        var report = new ModelReport(
            "recs", 2, ModelTask.Recommendation, "available", "mf", true, "first version", "RMSE", 0.9, null, null,
            new Dictionary<string, double> { ["RMSE"] = 0.9 },
            new Dictionary<string, double>())
        {
            TrainingCurve = TrainingCurve.From("RMSE", [1.1, 0.98, 0.94, 0.93], 4) with { Unit = TrainingCurve.Epoch },
        };

        var html = ReportHtml.Render(report);

        Assert.Contains(ReportCharts.TrainingCurve, report.Charts);
        Assert.Contains("validation RMSE by epoch (kept 4)", html, StringComparison.Ordinal);
        Assert.DoesNotContain("boosting round", html, StringComparison.Ordinal);
    }

    [Fact]
    public void BinaryCurves_MatchTheRows()
    {
        var curves = CurveCalculator.Binary(Scored, 0.5);

        Assert.Equal(new CurvePoint(0, 0), curves.Roc![0]);
        Assert.Equal(new CurvePoint(1, 1), curves.Roc[^1]);
        // At 0.5: positives 0.9, 0.8, 0.6 above; 0.3 below; negative 0.7 above.
        Assert.Equal(new ConfusionCounts(0.5, 3, 1, 5, 1), curves.Confusion);
        Assert.Equal(Scored.Length, curves.Calibration!.Sum(b => b.Count));
        Assert.Equal(1.0, curves.Calibration!.Single(b => b.From == 0.9).Observed);
        // Precision at recall 0.5 (the first two rows, both positive) is 1.
        Assert.Contains(new CurvePoint(0.5, 1), curves.PrecisionRecall!);
    }

    [Fact]
    public void TrainingCurve_IsThinnedButKeepsTheChosenRound()
    {
        var curve = TrainingCurve.From("RMSE", [.. Enumerable.Range(0, 1000).Select(i => 100.0 / (i + 1))], 437);

        Assert.InRange(curve.Rounds.Count, 2, TrainingCurve.MaxPoints + 3);
        Assert.Contains(437, curve.Rounds);
        Assert.Equal((1, 1000), (curve.Rounds[0], curve.Rounds[^1]));
    }

    [GeneratedRegex("<circle ")]
    private static partial Regex CircleCount();
}
