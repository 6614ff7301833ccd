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
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "NetworkBuster.Training.sln")))
        {
            root = root.Parent;
        }

        Assert.NotNull(root);
        var source = File.ReadAllText(Path.Combine(root.FullName, "src", "NetworkBuster.Training", "Workflow", "TrainingWorkflow.cs"));

        var found = Forbidden.Where(f => source.Contains(f, StringComparison.Ordinal)).ToList();
        Assert.True(found.Count == 0, "TrainingWorkflow.cs uses " + string.Join(", ", found));
        Assert.Contains("context.CurrentUtc", source, StringComparison.Ordinal);
    }
}
