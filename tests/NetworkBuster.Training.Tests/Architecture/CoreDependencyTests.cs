using System.Text.RegularExpressions;
using NetworkBuster.Training.Tests.Infrastructure;

namespace NetworkBuster.Training.Tests.Architecture;

/// <summary>
/// Which folders of the core depend on which, read from the sources (namespace imports and qualified names), so a
/// new dependency cycle fails here. The domain folders still form one knot (jobs validate against presets, presets own
/// shapers, shapers produce contracts…); it is listed, and nothing outside it may join a cycle.
/// </summary>
public class CoreDependencyTests
{
    private static readonly string Core = Path.Combine(Repository.Root(), "src", "NetworkBuster.Training");

    /// <summary>The known knot, to be untied (issue 12); it may only shrink.</summary>
    private static readonly string[] Knot = ["Contracts", "Datasets", "Evaluation", "Jobs", "Presets", "Registry", "Training"];

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
    public void CoreFolders_OutsideTheKnownKnot_AreInNoDependencyCycle()
    {
        var graph = Graph();

        var cyclic = graph.Keys.Where(f => Reaches(graph, f, f)).Order().ToList();

        Assert.Empty(cyclic.Except(Knot));
        Assert.Contains("Workflow", graph.Keys);
        Assert.DoesNotContain("Workflow", graph.Where(kv => kv.Key != "Hosting").SelectMany(kv => kv.Value));
    }

    [Fact]
    public void Contracts_DependOnJobsAtMost_AndAdmissionsOnNeitherWorkflowNorHosting()
    {
        var graph = Graph();

        Assert.True(graph["Contracts"].SetEquals(["Jobs"]) || graph["Contracts"].Count == 0, "Contracts → " + string.Join(", ", graph["Contracts"]));
        Assert.DoesNotContain("Workflow", graph["Admissions"]);
        Assert.DoesNotContain("Hosting", graph["Admissions"]);
        Assert.DoesNotContain("Hosting", graph["Scheduling"]);
    }
}
