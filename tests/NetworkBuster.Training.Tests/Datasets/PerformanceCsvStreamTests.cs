using System.Security.Cryptography;
using System.Text;
using NetworkBuster.Training.Cli.Benchmarks;
using NetworkBuster.Training.Cli.Samples;

namespace NetworkBuster.Training.Tests.Datasets;

/// <summary>The generated benchmark CSV is the sample data, streamed.</summary>
public class PerformanceCsvStreamTests
{
    [Fact]
    public void Read_RowLimit_SameBytesAsSampleWriter()
    {
        using var writer = new StringWriter();
        PerformanceSampleData.Write(writer, 500);
        using var stream = new PerformanceCsvStream(maxRows: 500);
        using var copy = new MemoryStream();
        stream.CopyTo(copy, 7);

        Assert.Equal(writer.ToString(), Encoding.UTF8.GetString(copy.ToArray()));
        Assert.Equal(500, stream.Rows);
    }

    [Fact]
    public void Read_ByteLimit_EndsAtFirstRecordBoundaryPastLimit()
    {
        using var stream = new PerformanceCsvStream(maxBytes: 10_000);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        var text = Encoding.UTF8.GetString(copy.ToArray());

        Assert.InRange(copy.Length, 10_000, 10_200);
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
        Assert.Equal(stream.Rows + 1, text.Count(c => c == '\n'));
    }

    [Fact]
    public void Write_AfterLinesRefactoring_ProducesTheSameDataAsBefore()
    {
        // Pinned from PerformanceSampleData.Write before it was rewritten over Lines(): the demo's data must not change.
        using var writer = new StringWriter();
        PerformanceSampleData.Write(writer, 1000);

        Assert.Equal(PinnedSha256, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(writer.ToString()))));
    }

    private const string PinnedSha256 = "d61d954f5dbed9ce947e180956c122006a55dbce9207a86d0a229cdb7bb61b87";
}
