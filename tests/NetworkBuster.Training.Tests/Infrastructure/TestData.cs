using System.Text;
using NetworkBuster.Training.Cli.Samples;
using NetworkBuster.Training.Storage;

namespace NetworkBuster.Training.Tests.Infrastructure;

/// <summary>Datasets uploaded for tests.</summary>
public static class TestData
{
    private static int _counter;

    /// <summary>A name no other test uses.</summary>
    public static string Unique(string prefix) => $"{prefix}-{Environment.ProcessId % 10000}-{Interlocked.Increment(ref _counter)}-{Guid.NewGuid().ToString("N")[..6]}";

    public static async Task<string> UploadPerformanceAsync(StorageClients storage, int rows = 2000, int seed = 7)
    {
        var name = $"performance-optimizer/{Unique("perf")}.csv";
        await using var csv = PerformanceSampleData.ToStream(rows, seed);
        await storage.Datasets.GetBlobClient(name).UploadAsync(csv, overwrite: true);
        return name;
    }

    public static async Task<string> UploadTextAsync(StorageClients storage, string text, string folder = "performance-optimizer")
    {
        var name = $"{folder}/{Unique("csv")}.csv";
        await storage.Datasets.GetBlobClient(name).UploadAsync(BinaryData.FromBytes(Encoding.UTF8.GetBytes(text)), overwrite: true);
        return name;
    }

    /// <summary>Good performance rows (after the header), for building CSVs with a few bad lines.</summary>
    public static List<string> PerformanceLines(int rows, int seed = 7)
    {
        using var writer = new StringWriter();
        PerformanceSampleData.Write(writer, rows, seed);
        return [.. writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)];
    }
}
