using NetworkBuster.Training.Tests.Infrastructure;

namespace NetworkBuster.Training.Tests.Workflow;

/// <summary>
/// The workflow runs as a Durable orchestrator, which replays it: it must not read clocks, make GUIDs or random
/// numbers, do I/O, wait on non-durable timers, or leave the orchestrator thread (ConfigureAwait(false)).
/// </summary>
public class WorkflowDeterminismTests
{
    private static readonly string[] Forbidden =
    [
        "DateTime.", "DateTimeOffset.UtcNow", "DateTimeOffset.Now", "Guid.", "Random", "Task.Delay", "Task.Run", "ConfigureAwait",
        "Thread", "Environment.", "Stopwatch", "File.", "HttpClient", "TimeProvider",
    ];

    [Fact]
    public void TrainingWorkflow_UsesNoNonDeterministicApi()
    {
        var source = File.ReadAllText(Path.Combine(Repository.Root(), "src", "NetworkBuster.Training", "Workflow", "TrainingWorkflow.cs"));

        var found = Forbidden.Where(f => source.Contains(f, StringComparison.Ordinal)).ToList();
        Assert.True(found.Count == 0, "TrainingWorkflow.cs uses " + string.Join(", ", found));
        Assert.Contains("context.CurrentUtc", source, StringComparison.Ordinal);
    }
}
