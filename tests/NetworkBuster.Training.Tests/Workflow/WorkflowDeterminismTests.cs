using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using NetworkBuster.Training.Tests.Infrastructure;

namespace NetworkBuster.Training.Tests.Workflow;

/// <summary>
/// The workflow runs as a Durable orchestrator, which replays it: it must not read clocks, make GUIDs, wait on
/// non-durable timers, use threads, environment variables or I/O. The Durable Task analyzers (the ones the
/// Functions and orchestration projects build with) run here over the orchestrator and the workflow it calls, in one
/// compilation, so they follow the call into <c>TrainingWorkflow</c>; a canary proves they look there. The replay
/// itself is exercised by the orchestrator tests, which run on the real engine (every step's completion replays).
/// </summary>
public class WorkflowDeterminismTests
{
    private static readonly string Src = Path.Combine(Repository.Root(), "src");

    private static string WorkflowSource => File.ReadAllText(Path.Combine(Src, "NetworkBuster.Training", "Workflow", "TrainingWorkflow.cs"));

    private static async Task<IReadOnlyList<Diagnostic>> DurableDiagnosticsAsync(string workflowSource)
    {
        var sources = Directory.GetFiles(Path.Combine(Src, "NetworkBuster.Training.Orchestration"), "*.cs")
            .Append(Path.Combine(Src, "NetworkBuster.Training.Functions", "TrainingOrchestrator.cs"))
            .Select(f => CSharpSyntaxTree.ParseText(File.ReadAllText(f), path: f))
            .Append(CSharpSyntaxTree.ParseText(workflowSource, path: "TrainingWorkflow.cs"));
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Concat(Directory.GetFiles(AppContext.BaseDirectory, "*.dll"))
            .DistinctBy(Path.GetFileName)
            .Where(p => Path.GetFileName(p) is not ("NetworkBuster.Training.Orchestration.dll" or "NetworkBuster.Training.Functions.dll"))
            .Select(p => MetadataReference.CreateFromFile(p));
        var compilation = CSharpCompilation.Create(
            "DeterminismCheck",
            sources,
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        var analyzerPath = typeof(WorkflowDeterminismTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "DurableAnalyzers").Value!;
        var analyzers = new AnalyzerFileReference(analyzerPath, new AssemblyLoader()).GetAnalyzers(LanguageNames.CSharp);
        Assert.NotEmpty(analyzers);

        var diagnostics = await compilation.WithAnalyzers(analyzers).GetAnalyzerDiagnosticsAsync();
        return [.. diagnostics.Where(d => d.Id.StartsWith("DURABLE", StringComparison.Ordinal))];
    }

    // DURABLE0010 (a logger not made by CreateReplaySafeLogger) is reported for the workflow's context.Logger, which
    // the analyzer cannot see through: behind the IWorkflowContext seam, DurableWorkflowContext.Logger *is*
    // context.CreateReplaySafeLogger(...). Info-level suggestions (DURABLE0009, GetInput) are not findings.
    private static bool IsFinding(Diagnostic d) =>
        d.Severity >= DiagnosticSeverity.Warning
        && !(d.Id == "DURABLE0010" && d.Location.SourceTree!.GetText().Lines.GetLineFromPosition(d.Location.SourceSpan.Start).ToString().Contains("context.Logger.", StringComparison.Ordinal));

    [Fact]
    public async Task DurableAnalyzers_FindNothingInTheOrchestratorOrTheWorkflowItCalls()
    {
        var found = (await DurableDiagnosticsAsync(WorkflowSource)).Where(IsFinding).ToList();

        Assert.True(found.Count == 0, string.Join(Environment.NewLine, found));
    }

    [Theory]
    [InlineData("var now = System.DateTime.UtcNow;", "DURABLE0001")]
    [InlineData("var id = System.Guid.NewGuid();", "DURABLE0002")]
    [InlineData("await System.Threading.Tasks.Task.Delay(1);", "DURABLE0003")]
    public async Task DurableAnalyzers_FlagANonDeterministicCallPlantedInTheWorkflow(string planted, string expected)
    {
        const string Entry = "public static async Task<WorkflowResult> RunAsync(IWorkflowContext context, WorkflowInput input)\n    {\n";
        var source = WorkflowSource;
        Assert.Contains(Entry, source, StringComparison.Ordinal);

        var found = await DurableDiagnosticsAsync(source.Replace(Entry, Entry + "        " + planted + "\n", StringComparison.Ordinal));

        Assert.True(found.Any(d => d.Id == expected && d.Location.SourceTree?.FilePath == "TrainingWorkflow.cs"), string.Join(Environment.NewLine, found));
        Assert.Contains(found, d => d.Id == expected && d.Location.SourceTree?.FilePath == "TrainingWorkflow.cs");
    }

    private sealed class AssemblyLoader : IAnalyzerAssemblyLoader
    {
        public void AddDependencyLocation(string fullPath)
        {
        }

        public Assembly LoadFromPath(string fullPath) => Assembly.LoadFrom(fullPath);
    }
}
