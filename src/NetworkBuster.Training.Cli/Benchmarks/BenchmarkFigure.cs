using System.Runtime.InteropServices;

namespace NetworkBuster.Training.Cli.Benchmarks;

/// <summary>
/// One benchmark figure printed beside a reference measured in the same run, so that a noisy, shared machine moves
/// both and the ratio stays meaningful.
/// </summary>
/// <param name="Group">The benchmark group (ingest, overhead, trainers, memory, latency).</param>
/// <param name="Name">What was measured.</param>
/// <param name="Value">The measured figure.</param>
/// <param name="Unit">Its unit (MB/s, s, rows/s, MB, jobs/min).</param>
/// <param name="Reference">The reference figure, in the same unit.</param>
/// <param name="ReferenceName">What the reference is.</param>
/// <param name="Target">The target, as people read it (e.g. <c>ratio ≥ 0.7</c>).</param>
/// <param name="Met">Whether the target is met; null when the figure has no target.</param>
/// <param name="Note">Anything needed to read the figure honestly.</param>
public sealed record BenchmarkFigure(
    string Group,
    string Name,
    double Value,
    string Unit,
    double Reference,
    string ReferenceName,
    string Target,
    bool? Met,
    string? Note = null)
{
    /// <summary>Value ÷ reference.</summary>
    public double Ratio => Reference == 0 ? double.NaN : Value / Reference;
}

/// <summary>The machine a benchmark ran on.</summary>
/// <param name="Cores">Logical processors.</param>
/// <param name="MemoryBytes">Physical memory visible to the process.</param>
/// <param name="OperatingSystem">The OS description.</param>
/// <param name="Runtime">The .NET runtime description.</param>
/// <param name="At">When the run started.</param>
public sealed record MachineInfo(int Cores, long MemoryBytes, string OperatingSystem, string Runtime, DateTimeOffset At)
{
    /// <summary>This machine, now.</summary>
    public static MachineInfo Current() => new(
        Environment.ProcessorCount,
        GC.GetGCMemoryInfo().TotalAvailableMemoryBytes,
        RuntimeInformation.OSDescription,
        RuntimeInformation.FrameworkDescription,
        DateTimeOffset.UtcNow);
}

/// <summary>A finished benchmark run.</summary>
/// <param name="Machine">Where it ran.</param>
/// <param name="Arguments">How it was invoked.</param>
/// <param name="Figures">What it measured.</param>
/// <param name="Recommendations">Conclusions drawn from the figures (e.g. the trainer a preset should default to).</param>
/// <param name="Elapsed">How long the whole run took.</param>
public sealed record BenchmarkReport(
    MachineInfo Machine,
    string Arguments,
    IReadOnlyList<BenchmarkFigure> Figures,
    IReadOnlyList<string> Recommendations,
    TimeSpan Elapsed);
