using NetworkBuster.Training.Tests.Infrastructure;

namespace NetworkBuster.Training.Tests.Cli;

/// <summary><c>nbtrain quality</c> on a slice of the real files, as a real process through the whole pipeline.</summary>
[Trait("Tier", "Integration")]
public class QualityCommandTests
{
    [SkippableFact]
    public async Task Quality_OnASliceOfTheRealFiles_PrintsOurFiguresBesideThePublishedOnes()
    {
        var root = Repository.Root();
        var datasets = Path.GetFullPath(Path.Combine(root, "..", "shared", "datasets"));
        Skip.IfNot(File.Exists(Path.Combine(datasets, "telco-customer-churn.csv")), $"The real datasets are not in {datasets}.");
        var result = await Nbtrain.RunAsync(
            ["quality", "--datasets", datasets, "--rows", "800", "--seeds", "2", "--folds", "0"],
            new Dictionary<string, string> { ["NBTRAIN_QUALITY_APPLIANCES"] = """{"trainer":"lightgbm","hyperparameters":{"numberOfTrees":100}}""" });

        var output = result.Output;
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("AUC, mean", output, StringComparison.Ordinal);
        Assert.Contains("0.8400", output, StringComparison.Ordinal);
        Assert.Contains("66.65", output, StringComparison.Ordinal);
        Assert.Contains("telco-churn:2", output, StringComparison.Ordinal);
        Assert.Contains("appliances-energy:1", output, StringComparison.Ordinal);
    }
}
