using System.Globalization;
using NetworkBuster.Training.Cli.Samples;
using NetworkBuster.Training.Tests.Infrastructure;
using Xunit.Abstractions;

namespace NetworkBuster.Training.Tests.Presets;

/// <summary>
/// <c>performance-optimizer</c> with nothing but defaults (no trainer, no hyperparameters), through the queue on
/// generated data whose noise is known (σ = <see cref="PerformanceSampleData.NoiseMs"/>): a perfect model's RMSE.
/// </summary>
[Trait("Tier", "Integration")]
public class PerformanceNoiseFloorTests(AzuriteFixture azurite, ITestOutputHelper output) : IClassFixture<AzuriteFixture>
{
    // Issue 13.8: within 5% of the noise floor. 40,000 rows: at 20,000 and 30,000 one of these seeds lands at 1.06 and
    // 1.05+ even with tuned defaults (docs/models.md, Presets); the seeds were fixed before measuring.
    private const int Rows = 40_000;
    private const double Tolerance = 1.05;

    [Fact]
    public async Task PerformanceOptimizer_DefaultsOnThreeSeeds_TestRmseWithinFivePercentOfTheNoiseFloor()
    {
        int[] seeds = [1, 2, 3];
        using var host = await Pipeline.StartHostAsync(azurite.ConnectionString);
        var ratios = new List<double>();

        foreach (int seed in seeds)
        {
            var dataset = await TestData.UploadPerformanceAsync(azurite.Storage, rows: Rows, seed: seed);
            var jobId = TestData.Unique("perf-floor");
            var row = await JobRunner.RunAsync(azurite, "performance-optimizer", new { jobId, model = "performance-optimizer", dataset }, jobId);
            double ratio = JobRunner.Metrics(row)["RMSE"] / PerformanceSampleData.NoiseMs;
            ratios.Add(ratio);
            output.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"seed {seed}: {row.Trainer} {row.Hyperparameters}; test RMSE {JobRunner.Metrics(row)["RMSE"]:0.000} = {ratio:0.000} × σ; trained in {row.TrainingSeconds:0.0} s"));
        }

        Assert.All(ratios, r => Assert.True(r <= Tolerance, $"RMSE / σ {string.Join(", ", ratios.Select(x => x.ToString("0.000", CultureInfo.InvariantCulture)))}: expected each ≤ {Tolerance}"));
    }
}
