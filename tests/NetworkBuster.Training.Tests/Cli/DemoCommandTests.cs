using System.Diagnostics;

namespace NetworkBuster.Training.Tests.Cli;

/// <summary>The README's main command, run as a real process: it starts Azurite itself when no storage is configured.</summary>
public class DemoCommandTests
{
    [Fact]
    public async Task Demo_WithoutStorageConfigured_StartsAzuriteAndRegistersVersionOne()
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "nbtrain.dll"));
        start.ArgumentList.Add("demo");
        start.ArgumentList.Add("--rows");
        start.ArgumentList.Add("3000");
        start.Environment.Remove("AzureWebJobsStorage");
        start.Environment["COLUMNS"] = "200";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);

        var output = await stdout;
        Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}\n{output}\n{await stderr}");
        Assert.Contains("starting Azurite", output, StringComparison.Ordinal);
        Assert.Contains("performance-optimizer:1", output, StringComparison.Ordinal);
        Assert.Contains("RMSE (primary)", output, StringComparison.Ordinal);
        Assert.Contains("available (current)", output, StringComparison.Ordinal);
    }
}
