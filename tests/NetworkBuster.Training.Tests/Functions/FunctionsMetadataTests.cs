using System.Text.Json;
using NetworkBuster.Training.Functions;
using NetworkBuster.Training.Orchestration;
using NetworkBuster.Training.Presets;
using NetworkBuster.Training.Storage;
using NetworkBuster.Training.Tests.Infrastructure;
using NetworkBuster.Training.Workflow;

namespace NetworkBuster.Training.Tests.Functions;

/// <summary>
/// What the Functions host will read: the <c>functions.metadata</c> the worker SDK generated for the build the tests
/// reference, and the repository's <c>host.json</c>.
/// </summary>
public class FunctionsMetadataTests
{
    private static readonly Dictionary<string, JsonElement> Functions = Load();

    private static Dictionary<string, JsonElement> Load()
    {
        // The worker SDK generates it in the Functions build; the project reference copies it beside the tests.
        var path = Path.Combine(AppContext.BaseDirectory, "functions.metadata");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.EnumerateArray().ToDictionary(f => f.GetProperty("name").GetString()!, f => f.Clone());
    }

    private static JsonElement Trigger(string function) =>
        Functions[function].GetProperty("bindings").EnumerateArray().Single(b => b.GetProperty("type").GetString()!.EndsWith("Trigger", StringComparison.Ordinal));

    [Fact]
    public void Metadata_ListsExactlyTheAppsFunctions()
    {
        string[] expected =
        [
            nameof(JobQueueFunctions.StartTrainingJob), nameof(JobQueueFunctions.RecordPoisonedJob),
            nameof(RetrainingTimerFunctions.RetrainVisitorBehavior), nameof(RetrainingTimerFunctions.RetrainSustainability),
            nameof(RetrainingTimerFunctions.RetrainPerformanceOptimizer), nameof(RetrainingTimerFunctions.RetrainContentRecommender),
            nameof(RetrainingTimerFunctions.ReconcileRuns), TrainingOrchestration.Name,
            ActivityNames.Ingest, ActivityNames.Train, ActivityNames.Evaluate, ActivityNames.Register, ActivityNames.Explain, ActivityNames.RecordRun, ActivityNames.Cleanup, ActivityNames.Notify,
            nameof(ApiFunctions.SubmitJob), nameof(ApiFunctions.ListRuns), nameof(ApiFunctions.GetRun), nameof(ApiFunctions.CancelRun),
            nameof(ApiFunctions.ListModels), nameof(ApiFunctions.GetModel), nameof(ApiFunctions.GetModelVersion), nameof(ApiFunctions.OpenApi),
            nameof(ApiFunctions.Predict), nameof(ApiFunctions.PredictWithVersion),
        ];
        Assert.Equal(expected.Order(), Functions.Keys.Order());
        Assert.Equal(TrainingOrchestration.Name, nameof(TrainingOrchestrator));
    }

    [Theory]
    [InlineData(nameof(JobQueueFunctions.StartTrainingJob), StorageNames.JobsQueue)]
    [InlineData(nameof(JobQueueFunctions.RecordPoisonedJob), StorageNames.PoisonQueue)]
    public void QueueFunctions_TriggerOnTheContractsQueues_WithTheStorageConnection(string function, string queue)
    {
        var trigger = Trigger(function);
        Assert.Equal("queueTrigger", trigger.GetProperty("type").GetString());
        Assert.Equal(queue, trigger.GetProperty("queueName").GetString());
        Assert.Equal(StorageNames.ConnectionSetting, trigger.GetProperty("connection").GetString());
    }

    [Theory]
    [InlineData(nameof(ApiFunctions.SubmitJob), "post", "jobs")]
    [InlineData(nameof(ApiFunctions.ListRuns), "get", "runs")]
    [InlineData(nameof(ApiFunctions.GetRun), "get", "runs/{jobId}")]
    [InlineData(nameof(ApiFunctions.CancelRun), "post", "runs/{jobId}/cancel")]
    [InlineData(nameof(ApiFunctions.ListModels), "get", "models")]
    [InlineData(nameof(ApiFunctions.GetModel), "get", "models/{model}")]
    [InlineData(nameof(ApiFunctions.GetModelVersion), "get", "models/{model}/versions/{version}")]
    [InlineData(nameof(ApiFunctions.Predict), "post", "models/{model}/predict")]
    [InlineData(nameof(ApiFunctions.PredictWithVersion), "post", "models/{model}/versions/{version}/predict")]
    public void HttpFunctions_ServeTheContractsRoutes_WithFunctionKeys(string function, string method, string route)
    {
        var trigger = Trigger(function);

        Assert.Equal(("httpTrigger", route, "Function"), (trigger.GetProperty("type").GetString(), trigger.GetProperty("route").GetString(), trigger.GetProperty("authLevel").GetString()));
        Assert.Equal([method], trigger.GetProperty("methods").EnumerateArray().Select(m => m.GetString()));
    }

    [Fact]
    public void OpenApiDocument_DescribesEveryHttpFunctionsRouteAndMethod_AndIsServedWithoutAKey()
    {
        using var document = JsonDocument.Parse(Api.OpenApiDocument.Json);
        var paths = document.RootElement.GetProperty("paths");
        var routes = Functions.Keys.Where(f => Trigger(f).GetProperty("type").GetString() == "httpTrigger" && f != nameof(ApiFunctions.OpenApi)).ToList();

        Assert.Equal(9, routes.Count);
        foreach (var function in routes)
        {
            var trigger = Trigger(function);
            var method = trigger.GetProperty("methods")[0].GetString()!;
            Assert.True(paths.TryGetProperty("/" + trigger.GetProperty("route").GetString(), out var path) && path.TryGetProperty(method, out _), $"{function}: {method} /{trigger.GetProperty("route").GetString()} is not in the document");
        }

        Assert.Equal(routes.Count, paths.EnumerateObject().Count());
        Assert.Equal(("openapi.json", "Anonymous"), (Trigger(nameof(ApiFunctions.OpenApi)).GetProperty("route").GetString(), Trigger(nameof(ApiFunctions.OpenApi)).GetProperty("authLevel").GetString()));
    }

    [Fact]
    public void HttpFunctions_AndTheLocalHost_UseTheSameCoreHandlers()
    {
        var handlers = typeof(ApiFunctions).GetConstructors().Single().GetParameters().Select(p => p.ParameterType).ToList();

        Assert.Equal([typeof(Api.JobsApi), typeof(Api.RunsApi), typeof(Api.ModelsApi), typeof(Api.PredictApi)], handlers);
        Assert.All(handlers, h => Assert.Equal(typeof(Api.JobsApi).Assembly, h.Assembly));
    }

    [Fact]
    public void TimerFunctions_ReadEachPresetsScheduleSetting_AndTheReconcilerRunsEveryTenMinutes()
    {
        var timers = new Dictionary<string, string>
        {
            [nameof(RetrainingTimerFunctions.RetrainVisitorBehavior)] = $"%{PresetCatalog.VisitorBehavior.ScheduleSetting}%",
            [nameof(RetrainingTimerFunctions.RetrainSustainability)] = $"%{PresetCatalog.Sustainability.ScheduleSetting}%",
            [nameof(RetrainingTimerFunctions.RetrainPerformanceOptimizer)] = $"%{PresetCatalog.PerformanceOptimizer.ScheduleSetting}%",
            [nameof(RetrainingTimerFunctions.RetrainContentRecommender)] = $"%{PresetCatalog.ContentRecommender.ScheduleSetting}%",
            [nameof(RetrainingTimerFunctions.ReconcileRuns)] = "0 */10 * * * *",
        };
        foreach (var (function, schedule) in timers)
        {
            var trigger = Trigger(function);
            Assert.Equal(("timerTrigger", schedule), (trigger.GetProperty("type").GetString(), trigger.GetProperty("schedule").GetString()));
            Assert.Contains(Functions[function].GetProperty("bindings").EnumerateArray(), b => b.GetProperty("type").GetString() == "durableClient");
        }
    }

    [Fact]
    public void OrchestratorAndActivities_HaveDurableTriggers()
    {
        Assert.Equal("orchestrationTrigger", Trigger(TrainingOrchestration.Name).GetProperty("type").GetString());
        foreach (var activity in new[] { ActivityNames.Ingest, ActivityNames.Train, ActivityNames.Evaluate, ActivityNames.Register, ActivityNames.Explain, ActivityNames.RecordRun, ActivityNames.Cleanup, ActivityNames.Notify })
        {
            Assert.Equal("activityTrigger", Trigger(activity).GetProperty("type").GetString());
        }
    }

    [Fact]
    public void HostJson_RetriesFailedMessagesAfterSeconds_PoisonsAfterTheCoresDequeueCount_AndPollsDurableQueuesOften()
    {
        using var host = JsonDocument.Parse(File.ReadAllText(Path.Combine(Repository.Root(), "host.json")));
        var queues = host.RootElement.GetProperty("extensions").GetProperty("queues");
        var durable = host.RootElement.GetProperty("extensions").GetProperty("durableTask");
        Assert.Equal(StorageNames.MaxDequeueCount, queues.GetProperty("maxDequeueCount").GetInt32());
        Assert.Equal(TimeSpan.FromSeconds(30), TimeSpan.Parse(queues.GetProperty("visibilityTimeout").GetString()!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("none", queues.GetProperty("messageEncoding").GetString());
        Assert.True(TimeSpan.Parse(durable.GetProperty("storageProvider").GetProperty("maxQueuePollingInterval").GetString()!, System.Globalization.CultureInfo.InvariantCulture) <= TimeSpan.FromSeconds(10));
        Assert.False(host.RootElement.GetProperty("logging").TryGetProperty("applicationInsights", out _));
    }
}
