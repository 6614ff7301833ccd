using System.Globalization;
using System.Text;
using NetworkBuster.Training.Tests.Infrastructure;
using Xunit.Abstractions;

namespace NetworkBuster.Training.Tests.Training;

/// <summary>
/// Small data as performance-prediction papers have it: a configurable system's binary options (with interactions) →
/// runtime, 40 or 65 measured configurations to learn from and 1,000 others held out. With defaults (a spec job names
/// no trainer, so <c>auto</c> runs), the pipeline's mean relative error must be at least as good as a grid-searched
/// single regression tree (CART, <see cref="RegressionTreeReference"/>) fitted on the same rows.
/// </summary>
[Trait("Tier", "Integration")]
public class SmallDataTests(AzuriteFixture azurite, ITestOutputHelper output) : IClassFixture<AzuriteFixture>
{
    private const int Options = 12;

    [Theory]
    [InlineData(40)]
    [InlineData(65)]
    public async Task Defaults_FewConfigurations_MatchOrBeatAGridSearchedRegressionTree(int trainRows)
    {
        var (train, test) = ConfigurableSystem.Sample(trainRows, heldOut: 1000, seed: trainRows);
        var trainBlob = await TestData.UploadTextAsync(azurite.Storage, ConfigurableSystem.Csv(train), "small");
        var testBlob = await TestData.UploadTextAsync(azurite.Storage, ConfigurableSystem.Csv(test), "small");
        var jobId = TestData.Unique("small");
        using var host = await Pipeline.StartHostAsync(azurite.ConnectionString);

        var row = await JobRunner.RunAsync(azurite, "configurable-small", new
        {
            jobId,
            model = "configurable-small",
            dataset = trainBlob,
            promotion = "never",
            spec = new { task = "regression", label = "runtime", metric = "MAPE", split = new { kind = "files", test = testBlob } },
        }, jobId);

        var cart = RegressionTreeReference.FitWithGridSearch([.. train.Select(r => r.Options)], [.. train.Select(r => r.Runtime)], seed: 1);
        double cartMre = 100 * test.Average(r => Math.Abs((r.Runtime - cart.Predict(r.Options)) / r.Runtime));
        double ours = JobRunner.Metrics(row)["MAPE"];
        var trials = (await JobRunner.MetadataAsync(azurite, row)).GetProperty("search").EnumerateArray().ToList();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{trainRows} rows: ours MRE {ours:F2}% ({row.Trainer} {row.Hyperparameters}, {trials.Count} trials by {trials[0].GetProperty("Protocol").GetString()}); CART MRE {cartMre:F2}% (depth {cart.Chosen.Depth}, min leaf {cart.Chosen.MinLeaf})"));
        Assert.Equal(1000, row.TestRows);
        Assert.Equal(trainRows, row.TrainRows + row.ValidationRows);
        Assert.Equal("5-fold cross-validation", trials[0].GetProperty("Protocol").GetString());
        Assert.True(ours <= cartMre, $"ours {ours:F2}% vs CART {cartMre:F2}%");
    }

    /// <summary>
    /// Runtime of a configuration of <see cref="Options"/> binary options: a base cost, each option's own effect,
    /// pairwise and three-way interactions (as feature interactions in real systems), and 1% measurement noise.
    /// </summary>
    private static class ConfigurableSystem
    {
        public static (List<(double[] Options, double Runtime)> Train, List<(double[] Options, double Runtime)> Test) Sample(int train, int heldOut, int seed)
        {
            var random = new Random(seed);
            var main = Enumerable.Range(0, Options).Select(_ => Math.Round(5 + (random.NextDouble() * 45), 1)).ToArray();
            var pairs = Enumerable.Range(0, 5).Select(_ => (A: random.Next(Options), B: random.Next(Options), Effect: Math.Round(20 + (random.NextDouble() * 80), 1))).ToArray();
            var configurations = Enumerable.Range(0, 1 << Options).OrderBy(_ => random.Next()).Take(train + heldOut).ToList();
            var rows = configurations.Select(c =>
            {
                var x = Enumerable.Range(0, Options).Select(o => (double)((c >> o) & 1)).ToArray();
                double runtime = 100 + Enumerable.Range(0, Options).Sum(o => main[o] * x[o]) + pairs.Sum(p => p.Effect * x[p.A] * x[p.B]) + (120 * x[0] * x[1] * x[2]);
                return (x, Math.Round(runtime * (1 + (0.01 * Gaussian(random))), 2));
            }).ToList();
            return (rows[..train], rows[train..]);
        }

        public static string Csv(IEnumerable<(double[] Options, double Runtime)> rows)
        {
            var csv = new StringBuilder(string.Join(',', Enumerable.Range(0, Options).Select(o => $"option{o}")) + ",runtime\n");
            foreach (var (x, runtime) in rows)
            {
                csv.Append(string.Join(',', x.Select(v => v.ToString(CultureInfo.InvariantCulture)))).Append(',').Append(runtime.ToString(CultureInfo.InvariantCulture)).Append('\n');
            }

            return csv.ToString();
        }

        private static double Gaussian(Random random) => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
    }
}
