using DurableTask.AzureStorage;
using Microsoft.Extensions.Configuration;

namespace NetworkBuster.Training.Cli.Local.Engine;

/// <summary>A Durable instance as <c>nbtrain runs</c> shows it beside the run row.</summary>
/// <param name="TaskHub">The task hub read.</param>
/// <param name="RuntimeStatus">Running, Completed, Failed, Terminated…; <c>not found</c> when the hub has no such instance.</param>
/// <param name="CustomStatus">The orchestration's custom status <c>{step, progress, status}</c> as JSON.</param>
public sealed record EngineInstance(string TaskHub, string RuntimeStatus, string? CustomStatus)
{
    /// <summary>Not looked up (the watch view shows the run row only).</summary>
    public static EngineInstance NotRead { get; } = new("", "not read", null);
}

/// <summary>Reads an orchestration instance straight from a task hub's tables (no engine needs to run).</summary>
public static class EngineInstances
{
    /// <summary>The instance <paramref name="instanceId"/> of <paramref name="taskHub"/>, or a "not found"/"unreadable" record.</summary>
    public static async Task<EngineInstance> ReadAsync(IConfiguration configuration, string taskHub, string instanceId)
    {
        try
        {
            var settings = LocalDurableEngine.Settings(configuration, new LocalHostOptions { TaskHub = taskHub });
            var service = new AzureStorageOrchestrationService(settings);
            var state = (await service.GetOrchestrationStateAsync(instanceId, allExecutions: false)).FirstOrDefault();
            return state is null
                ? new EngineInstance(taskHub, "not found", null)
                : new EngineInstance(taskHub, state.OrchestrationStatus.ToString(), state.Status);
        }
        catch (Exception ex) when (ex is Azure.RequestFailedException or InvalidOperationException or ArgumentException)
        {
            return new EngineInstance(taskHub, $"unreadable ({ex.GetType().Name}: {ex.Message.Split('\n')[0]})", null);
        }
    }
}
