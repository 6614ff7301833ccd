using System.Text.Json;
using NetworkBuster.Training.Registry;
using NetworkBuster.Training.Runs;

namespace NetworkBuster.Training.Tests.Infrastructure;

/// <summary>Sends jobs through the real queue and local host, and reads what they registered.</summary>
public static class JobRunner
{
    public static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(4);

    /// <summary>
    /// Queues the message, waits for the run, asserts it succeeded, waits for its report to be prepared (asserting
    /// it was) and returns its registry row.
    /// </summary>
    public static async Task<ModelVersionRow> RunAsync(AzuriteFixture azurite, string model, object message, string jobId)
    {
        await azurite.Storage.JobsQueue.SendMessageAsync(JsonSerializer.Serialize(message));
        var runs = new RunStore(azurite.Storage);
        var run = await runs.WaitAsync(jobId, RunTimeout);
        Assert.True(run.Status == RunStatus.Succeeded, $"{jobId}: {run.Status} {run.ErrorCode} {run.ErrorMessage}");
        var explained = await runs.WaitForInsightsAsync(jobId, RunTimeout);
        Assert.True(explained.Insights == InsightsState.Ready, $"{jobId}: report {explained.Insights} {explained.InsightsError}");
        return (await new ModelRegistry(azurite.Storage).GetAsync(model, run.Version!.Value))!;
    }

    public static Dictionary<string, double> Metrics(ModelVersionRow row) => JsonSerializer.Deserialize<Dictionary<string, double>>(row.Metrics!)!;

    public static Dictionary<string, double> Baselines(ModelVersionRow row) => JsonSerializer.Deserialize<Dictionary<string, double>>(row.Baselines!)!;

    public static async Task<JsonElement> MetadataAsync(AzuriteFixture azurite, ModelVersionRow row)
    {
        var content = await azurite.Storage.Models.GetBlobClient(ModelVersionRow.MetadataBlobOf(row.Model, row.Version)).DownloadContentAsync();
        return JsonDocument.Parse(content.Value.Content.ToString()).RootElement.Clone();
    }

    public static async Task<string> UploadAsync(AzuriteFixture azurite, string folder, Stream content)
    {
        var name = $"{folder}/{TestData.Unique("data")}.csv";
        await azurite.Storage.Datasets.GetBlobClient(name).UploadAsync(content, overwrite: true);
        return name;
    }
}
