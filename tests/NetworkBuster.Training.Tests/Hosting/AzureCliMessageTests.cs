using System.Diagnostics;
using System.Text.Json;
using NetworkBuster.Training.Runs;
using NetworkBuster.Training.Tests.Infrastructure;

namespace NetworkBuster.Training.Tests.Hosting;

/// <summary>A job dropped the way many users drop one: <c>az storage message put</c>, which sends plain text.</summary>
[Trait("Tier", "Integration")]
public class AzureCliMessageTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    [SkippableFact]
    public async Task AzStorageMessagePut_PlainJson_YieldsASucceededRun()
    {
        Skip.If(FindAz() is null, "The Azure CLI (az) is not installed; .ci/run installs it.");
        var dataset = await TestData.UploadPerformanceAsync(azurite.Storage, rows: 800);
        var jobId = TestData.Unique("az");
        using var host = await Pipeline.StartHostAsync(azurite.ConnectionString);

        var put = new ProcessStartInfo(FindAz()!) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "storage", "message", "put", "--queue-name", "ai-training-jobs", "--connection-string", azurite.ConnectionString, "--content", JsonSerializer.Serialize(new { jobId, model = "performance-optimizer", dataset }), "--only-show-errors" })
        {
            put.ArgumentList.Add(argument);
        }

        put.Environment["AZURE_CORE_COLLECT_TELEMETRY"] = "false";
        using (var process = Process.Start(put)!)
        {
            var error = process.StandardError.ReadToEndAsync();
            await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync();
            Assert.True(process.ExitCode == 0, "az failed: " + await error);
        }

        var run = await new RunStore(azurite.Storage).WaitAsync(jobId, TimeSpan.FromMinutes(3));
        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.NotNull(run.Version);
    }

    private static string? FindAz() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Select(d => Path.Combine(d, "az")).FirstOrDefault(File.Exists);
}
