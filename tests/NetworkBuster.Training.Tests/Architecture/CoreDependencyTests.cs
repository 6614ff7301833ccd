using System.Text.RegularExpressions;
using NetworkBuster.Training.Tests.Infrastructure;

namespace NetworkBuster.Training.Tests.Architecture;

/// <summary>
/// Which folders of the core depend on which, read from the sources (namespace imports and qualified names), and which
/// projects reference which, read from the project files, so a new dependency cycle or a dependency pointing up fails
/// here. The layers, bottom up: Contracts; Storage, Datasets, Metrics; Training; Evaluation, Registry; Presets; Jobs;
/// Runs, Admissions, Scheduling, Scoring; Steps (the four activities' bodies); Workflow; Hosting.
/// </summary>
public class CoreDependencyTests
{
    private static readonly string Core = Path.Combine(Repository.Root(), "src", "NetworkBuster.Training");

    private static readonly string[] Composers = ["Steps", "Workflow", "Hosting"];

    private static Dictionary<string, HashSet<string>> Graph()
    {
        var folders = Directory.GetDirectories(Core).Select(Path.GetFileName).Where(f => f is not ("bin" or "obj")).Select(f => f!).ToList();
        var graph = folders.ToDictionary(f => f, _ => new HashSet<string>());
        foreach (var folder in folders)
        {
            foreach (var file in Directory.EnumerateFiles(Path.Combine(Core, folder), "*.cs", SearchOption.AllDirectories))
            {
                var source = File.ReadAllText(file);
                foreach (var other in folders.Where(o => o != folder))
                {
                    if (Regex.IsMatch(source, $@"\bNetworkBuster\.Training\.{other}\b") || Regex.IsMatch(source, $@"(?<![\w.]){other}\.[A-Z]\w*"))
                    {
                        graph[folder].Add(other);
                    }
                }
            }
        }

        return graph;
    }

    private static bool Reaches(Dictionary<string, HashSet<string>> graph, string from, string to)
    {
        var seen = new HashSet<string>();
        var stack = new Stack<string>(graph[from]);
        while (stack.TryPop(out var next))
        {
            if (next == to)
            {
                return true;
            }

            if (seen.Add(next))
            {
                foreach (var n in graph[next])
                {
                    stack.Push(n);
                }
            }
        }

        return false;
    }

    [Fact]
    public void CoreFolders_FormNoDependencyCycle()
    {
        var graph = Graph();

        var cyclic = graph.Keys.Where(f => Reaches(graph, f, f)).Order().ToList();

        Assert.Empty(cyclic);
        Assert.Contains("Workflow", graph.Keys);
    }

    [Fact]
    public void Contracts_DependOnNothing()
    {
        var graph = Graph();

        Assert.Empty(graph["Contracts"]);
    }

    [Fact]
    public void DomainFolders_NeverDependOnTheStepsWorkflowOrHosting()
    {
        var graph = Graph();

        foreach (var (folder, dependencies) in graph.Where(kv => !Composers.Contains(kv.Key)))
        {
            Assert.False(dependencies.Overlaps(Composers), $"{folder} → {string.Join(", ", dependencies.Intersect(Composers))}");
        }

        Assert.DoesNotContain("Workflow", graph["Steps"]);
        Assert.DoesNotContain("Hosting", graph["Steps"]);
        Assert.DoesNotContain("Hosting", graph["Workflow"]);
    }

    [Fact]
    public void Projects_ReferenceDownwardOnly_CoreNothing_HostsTheCoreAndTheOrchestration()
    {
        var src = Path.Combine(Repository.Root(), "src");
        var references = Directory.GetDirectories(src).Select(Path.GetFileName).ToDictionary(
            p => p!,
            p => Regex.Matches(File.ReadAllText(Path.Combine(src, p!, p + ".csproj")), @"ProjectReference Include=""[^""]*?([\w.]+)\.csproj""")
                .Select(m => m.Groups[1].Value).ToHashSet());

        Assert.Empty(references["NetworkBuster.Training"]);
        Assert.True(references["NetworkBuster.Training.Orchestration"].SetEquals(["NetworkBuster.Training"]));
        Assert.True(references["NetworkBuster.Training.Functions"].IsSubsetOf(["NetworkBuster.Training", "NetworkBuster.Training.Orchestration"]));
        Assert.True(references["NetworkBuster.Training.Cli"].IsSubsetOf(["NetworkBuster.Training", "NetworkBuster.Training.Orchestration"]));
    }
}
