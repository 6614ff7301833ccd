using System.Diagnostics;

namespace NetworkBuster.Training.Tests.Cli;

/// <summary><c>nbtrain quality</c> on a slice of the real files, as a real process through the whole pipeline.</summary>
public class QualityCommandTests
{
    [SkippableFact]
    public async Task Quality_OnASliceOfTheRealFiles_PrintsOurFiguresBesideThePublishedOnes()
    {
        var root = Cli.RepositoryRoot();
        var datasets = Path.GetFullPath(Path.Combine(root, "..", "shared", "datasets"));
        Skip.IfNot(File.Exists(Path.Combine(datasets, "telco-customer-churn.csv")), $"The real datasets are not in {datasets}.");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "nbtrain.dll"), "quality", "--datasets", datasets, "--rows", "800", "--seeds", "2", "--folds", "0" })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment.Remove("AzureWebJobsStorage");
        start.Environment["COLUMNS"] = "220";
        start.Environment["NBTRAIN_QUALITY_APPLIANCES"] = """{"trainer":"lightgbm","hyperparameters":{"numberOfTrees":100}}""";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);

        var output = await stdout;
        Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}\n{output}\n{await stderr}");
        Assert.Contains("AUC, mean", output, StringComparison.Ordinal);
        Assert.Contains("0.8400", output, StringComparison.Ordinal);
        Assert.Contains("66.65", output, StringComparison.Ordinal);
        Assert.Contains("telco-churn:2", output, StringComparison.Ordinal);
        Assert.Contains("appliances-energy:1", output, StringComparison.Ordinal);
    }
}

internal static class Cli
{
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "NetworkBuster.Training.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (NetworkBuster.Training.sln) is not above the test binaries.");
    }
}
