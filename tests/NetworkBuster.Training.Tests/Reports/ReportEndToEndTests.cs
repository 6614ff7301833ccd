using System.Text.RegularExpressions;
using NetworkBuster.Training.Registry;
using NetworkBuster.Training.Reports;
using NetworkBuster.Training.Tests.Hosting;
using NetworkBuster.Training.Tests.Infrastructure;

namespace NetworkBuster.Training.Tests.Reports;

/// <summary>
/// A job through the queue leaves <c>report.html</c> beside <c>model.zip</c>, and the page is seen as a person sees it:
/// rendered by headless Chromium, screenshot not blank, each chart present and sized.
/// </summary>
[Trait("Tier", "Integration")]
public partial class ReportEndToEndTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    /// <summary>Set to 1 to refresh <c>docs/images/report.png</c> from this test's screenshot.</summary>
    public const string WriteDocsScreenshot = "NBTRAIN_WRITE_DOCS_SCREENSHOT";

    // Appended to a copy of the page by the test only (the report itself has no script): writes each chart's drawn size into the DOM.
    private const string SizeProbe = """
        <script>
        const sizes = [...document.querySelectorAll('figure.chart')].map(f => {
          const r = f.querySelector('svg').getBoundingClientRect();
          return f.dataset.chart + '=' + Math.round(r.width) + 'x' + Math.round(r.height);
        });
        const pre = document.createElement('pre'); pre.id = 'chart-sizes'; pre.textContent = sizes.join(';'); document.body.appendChild(pre);
        </script>
        """;

    [SkippableFact]
    public async Task BinaryJob_RegistersAReport_ThatChromiumRendersWithEveryChart()
    {
        Skip.If(Chromium.SkipReason is not null, Chromium.SkipReason);
        var dataset = await TestData.UploadTextAsync(azurite.Storage, CustomSpecEndToEndTests.ImbalancedCsv(1500, seed: 3), "custom");
        var jobId = TestData.Unique("report");
        using var host = await Pipeline.StartHostAsync(azurite.ConnectionString);

        var row = await JobRunner.RunAsync(azurite, "churn-report", new { jobId, model = "churn-report", dataset, trainer = "fasttree", hyperparameters = new { numberOfTrees = 80 }, spec = new { task = "binary", label = "y", seed = 3 } }, jobId);

        // The CLI saves the registered page (a real nbtrain process).
        var folder = Directory.CreateTempSubdirectory("nbtest-report-").FullName;
        var page = Path.Combine(folder, "report.html");
        var saved = await Nbtrain.RunAsync("models", "report", $"{row.Model}:{row.Version}", "-o", page, "--connection", azurite.ConnectionString);
        Assert.True(saved.ExitCode == 0, saved.ToString());
        var html = await File.ReadAllTextAsync(page);
        var stored = (await azurite.Storage.Models.GetBlobClient(ModelVersionRow.ReportBlobOf(row.Model, row.Version)).DownloadContentAsync()).Value;
        Assert.Equal(stored.Content.ToString(), html);
        Assert.Equal("text/html; charset=utf-8", stored.Details.ContentType);
        Assert.Contains($"churn-report:{row.Version}", html, StringComparison.Ordinal);
        Assert.Contains(System.Net.WebUtility.HtmlEncode(row.StatusReason!), html, StringComparison.Ordinal);

        var png = Path.Combine(folder, "report.png");
        await Chromium.ScreenshotAsync(page, png);
        var image = PngImage.Read(png);
        Assert.Equal((1200, 2000), (image.Width, image.Height));
        var (inked, blue) = Ink(image);
        Assert.True(inked > 0.03, $"the screenshot is nearly blank: {inked:P1} of pixels are not white");
        Assert.True(blue > 2000, $"expected the charts' blue lines and bars, found {blue} blue pixels");
        if (Environment.GetEnvironmentVariable(WriteDocsScreenshot) == "1")
        {
            File.Copy(png, Path.Combine(Repository.Root(), "docs", "images", "report.png"), overwrite: true);
        }

        var probed = Path.Combine(folder, "probed.html");
        await File.WriteAllTextAsync(probed, html.Replace("</body>", SizeProbe + "</body>", StringComparison.Ordinal));
        var sizes = ChartSizes().Match(await Chromium.DumpDomAsync(probed)).Groups[1].Value.Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Select(s => s.Split('=')).ToDictionary(p => p[0], p => p[1].Split('x').Select(int.Parse).ToArray());
        string[] expected = [ReportCharts.Roc, ReportCharts.PrecisionRecall, ReportCharts.Confusion, ReportCharts.Calibration, ReportCharts.FeatureImportance, ReportCharts.TrainingCurve];
        Assert.Equal(expected, sizes.Keys);
        foreach (var (chart, size) in sizes)
        {
            Assert.True(size[0] >= 300 && size[1] >= 100, $"chart {chart} is drawn {size[0]}x{size[1]}");
        }
    }

    // Share of pixels that are not (near) white, and pixels of the charts' blues.
    private static (double Inked, int Blue) Ink(PngImage image)
    {
        long inked = 0;
        int blue = 0;
        for (int y = 0; y < image.Height; y++)
        {
            for (int x = 0; x < image.Width; x++)
            {
                var (r, g, b) = image[x, y];
                if (r < 235 || g < 235 || b < 235)
                {
                    inked++;
                }

                if (b > r + 60 && b > 120)
                {
                    blue++;
                }
            }
        }

        return (inked / (double)(image.Width * image.Height), blue);
    }

    [GeneratedRegex("<pre id=\"chart-sizes\">([^<]*)</pre>")]
    private static partial Regex ChartSizes();
}
