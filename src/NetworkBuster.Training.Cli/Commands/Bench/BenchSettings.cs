
namespace NetworkBuster.Training.Cli.Commands.Bench;

/// <summary>The sizes a benchmark run uses.</summary>
internal sealed record BenchSettings(
    IReadOnlySet<string> Groups,
    IReadOnlyList<int> IngestMegabytes,
    int Rows,
    IReadOnlyList<int> MemoryRows,
    int LatencyJobs,
    int LatencyRows,
    int SmallJobs,
    int SmallRows,
    int Concurrency,
    int OverheadPairs,
    int PredictRequests,
    int PredictBatches)
{
    public const string Ingest = "ingest";
    public const string Overhead = "overhead";
    public const string Trainers = "trainers";
    public const string Memory = "memory";
    public const string Latency = "latency";
    public const string Predict = "predict";

    public static IReadOnlyList<string> AllGroups { get; } = [Ingest, Overhead, Trainers, Memory, Latency, Predict];

    /// <summary>The full-size run the issue asks for.</summary>
    public static BenchSettings Full(IReadOnlySet<string> groups) =>
        new(groups, [100, 1000], 1_000_000, [1_000_000, 10_000_000], 20, 10_000, 100, 1_000, 1, OverheadPairs: 3, PredictRequests: 2_000, PredictBatches: 20);

    /// <summary>Tiny sizes for CI: every group runs, the whole run takes well under two minutes.</summary>
    public static BenchSettings Quick(IReadOnlySet<string> groups) =>
        new(groups, [5], 20_000, [2_000], 5, 10_000, 10, 1_000, 1, OverheadPairs: 1, PredictRequests: 200, PredictBatches: 2);

    public bool Runs(string group) => Groups.Contains(group);
}
