using System.Diagnostics;
using System.Text.RegularExpressions;
using NetworkBuster.Training.Tests.Infrastructure;

namespace NetworkBuster.Training.Tests.Cli;

/// <summary><c>nbtrain bench --quick</c> as a real process: the CI-sized smoke run of every benchmark group.</summary>
[Trait("Tier", "Integration")]
public class BenchCommandTests
{
    private static readonly string[] Groups = ["ingest", "overhead", "trainers", "memory", "latency", "predict"];

    [Fact]
    public async Task BenchQuick_WithoutStorageConfigured_PrintsEveryGroupWithNumericRatiosAndWritesMarkdown()
    {
        var output = Path.Combine(Path.GetTempPath(), $"nbtrain-bench-{Guid.NewGuid():N}.md");
        try
        {
            var watch = Stopwatch.StartNew();
            var result = await Nbtrain.RunAsync("bench", "--quick", "--output", output);

            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(120), $"--quick took {watch.Elapsed}");
            foreach (var group in Groups)
            {
                // A table row: the group, then (further along the same line) a ratio such as 0.83×.
                Assert.Matches(new Regex($@"(?m)^\W*{group}\b.*\d+\.\d\d×"), result.Output);
            }

            var markdown = await File.ReadAllTextAsync(output);
            Assert.Contains("cores", markdown, StringComparison.Ordinal);
            Assert.Contains(".NET", markdown, StringComparison.Ordinal);
            foreach (var group in Groups)
            {
                Assert.Matches(new Regex($@"(?m)^\| {group} \|.*\| \d+\.\d\d× \|"), markdown);
            }

            Assert.Contains("the fastest trainer within 1% of the best RMSE", markdown, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(output);
        }
    }
}
