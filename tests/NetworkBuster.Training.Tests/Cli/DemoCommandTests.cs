using NetworkBuster.Training.Tests.Infrastructure;

namespace NetworkBuster.Training.Tests.Cli;

/// <summary>The README's main command, run as a real process: it starts Azurite itself when no storage is configured.</summary>
[Trait("Tier", "Integration")]
public class DemoCommandTests
{
    [Fact]
    public async Task Demo_WithoutStorageConfigured_StartsAzuriteAndRegistersVersionOne()
    {
        var result = await Nbtrain.RunAsync("demo", "--rows", "3000");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("starting Azurite", result.Output, StringComparison.Ordinal);
        Assert.Contains("performance-optimizer:1", result.Output, StringComparison.Ordinal);
        Assert.Contains("RMSE (primary)", result.Output, StringComparison.Ordinal);
        Assert.Contains("available (current)", result.Output, StringComparison.Ordinal);
    }
}
