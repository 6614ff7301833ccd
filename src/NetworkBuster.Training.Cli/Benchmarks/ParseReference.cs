using System.Diagnostics;
using System.Text;
using Sylvan.Data.Csv;

namespace NetworkBuster.Training.Cli.Benchmarks;

/// <summary>
/// The parse reference of the ingest group: a bare Sylvan typed read of a local <c>performance-optimizer</c> CSV, every
/// field read as its snapshot type (the timestamp as a date, the endpoint as a string, the numbers as floats), with
/// no shaping, no hashing and no upload. What ingest could reach if parsing were all it did.
/// </summary>
public static class ParseReference
{
    /// <summary>Reads <paramref name="csvPath"/> to the end; returns the seconds it took and the records read.</summary>
    /// <param name="csvPath">The local CSV.</param>
    public static (double Seconds, long Rows) Run(string csvPath)
    {
        var watch = Stopwatch.StartNew();
        using var file = new FileStream(csvPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        using var text = new StreamReader(file, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
        using var csv = CsvDataReader.Create(text, new CsvDataReaderOptions { HasHeaders = true, BufferSize = 1 << 16 });
        long rows = 0;
        while (csv.Read())
        {
            _ = csv.GetDateTime(0);
            _ = csv.GetString(1);
            _ = csv.GetFloat(2);
            _ = csv.GetFloat(3);
            _ = csv.GetFloat(4);
            _ = csv.GetFloat(5);
            rows++;
        }

        return (watch.Elapsed.TotalSeconds, rows);
    }
}
