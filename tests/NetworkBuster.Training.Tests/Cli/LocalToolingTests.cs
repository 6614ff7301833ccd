using NetworkBuster.Training.Cli.Local;
using NetworkBuster.Training.Storage;
using NetworkBuster.Training.Tests.Infrastructure;

namespace NetworkBuster.Training.Tests.Cli;

[Trait("Tier", "Integration")]
public class LocalToolingTests
{
    [Theory]
    [InlineData("performance-optimizer", "timestamp,endpoint,response_time_ms,error_rate,throughput_rps,cache_hit_rate")]
    [InlineData("visitor-behavior-model", "session_id,user_id,timestamp,page,duration,clicks,scroll_depth,device,browser")]
    [InlineData("sustainability-predictor", "timestamp,energy_kwh,carbon_kg,memory_percent,cpu_percent,requests")]
    [InlineData("content-recommender", "user_id,content_id,interaction_type,timestamp,duration_sec,rating")]
    public async Task DatasetsSample_WritesThePresetsHeaderAndRows(string preset, string header)
    {
        var result = await Nbtrain.RunAsync("datasets", "sample", preset, "--size", "40");

        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(header, lines[0].Trim());
        Assert.True(lines.Length > 20, $"{lines.Length} lines");
    }

    [Fact]
    public async Task DatasetsSample_UnknownPreset_ExitsTwoNamingThePresets()
    {
        var result = await Nbtrain.RunAsync("datasets", "sample", "nope");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("performance-optimizer", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void DevelopmentConnectionString_IsReadFromTheAzuritePackage_AndNamesTheDefaultPorts()
    {
        var connection = AzuritePackage.DevelopmentConnectionString();

        Assert.NotNull(connection);
        var clients = StorageClients.FromConnectionString(connection);
        Assert.Equal((10000, 10001, 10002), (clients.Blobs.Uri.Port, clients.Queues.Uri.Port, clients.Tables.Uri.Port));
        Assert.Equal("devstoreaccount1", clients.Blobs.AccountName);
        Assert.True(clients.Blobs.CanGenerateAccountSasUri);
    }

    [Fact]
    public async Task Host_ConcurrencyZero_StopsAtStartNamingTheSettingTheRangeAndTheValue()
    {
        var result = await Nbtrain.RunAsync("host", "--concurrency", "0", "--no-timers", "--connection", "UseDevelopmentStorage=true");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Training:Host:MaxConcurrentJobs must be 1–64, found 0", result.Error, StringComparison.Ordinal);
    }
}
