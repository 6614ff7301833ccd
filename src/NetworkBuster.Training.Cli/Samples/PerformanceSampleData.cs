using System.Globalization;

namespace NetworkBuster.Training.Cli.Samples;

/// <summary>
/// Realistic <c>performance-optimizer</c> data with a known signal: latency grows with the endpoint's base cost,
/// error rate, uncached load and business hours, plus Gaussian noise of <see cref="NoiseMs"/> ms.
/// </summary>
public static class PerformanceSampleData
{
    /// <summary>The noise's standard deviation: the RMSE a perfect model would reach.</summary>
    public const double NoiseMs = 12;

    /// <summary>The CSV header of the preset.</summary>
    public const string Header = "timestamp,endpoint,response_time_ms,error_rate,throughput_rps,cache_hit_rate";

    private static readonly (string Endpoint, double BaseMs)[] Endpoints =
        [("/api/users", 80), ("/api/search", 150), ("/api/orders", 120), ("/api/reports", 400), ("/static/assets", 20)];

    /// <summary>The noise-free latency the generator draws around.</summary>
    public static double ExpectedLatency(double baseMs, double errorRate, double throughput, double cacheHitRate, int hour) =>
        (baseMs * (1 + (3 * errorRate))) + (0.6 * throughput * (1 - cacheHitRate)) + (60 * (1 - cacheHitRate)) + (hour is >= 9 and < 18 ? 35 : 0);

    /// <summary>Writes <paramref name="rows"/> rows (and the header) as CSV.</summary>
    public static void Write(TextWriter writer, int rows, int seed = 7, DateTime? start = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write(Header + "\n");
        foreach (var line in Lines(seed, start).Take(rows))
        {
            writer.Write(line);
        }
    }

    /// <summary>
    /// An endless sequence of CSV records (each ending in a newline, no header), generated lazily so any amount of
    /// data can be streamed without holding it; <see cref="Write"/> writes the first rows of this sequence.
    /// </summary>
    public static IEnumerable<string> Lines(int seed = 7, DateTime? start = null)
    {
        var random = new Random(seed);
        var at = start ?? new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        for (long i = 0; ; i++)
        {
            var (endpoint, baseMs) = Endpoints[i % Endpoints.Length];
            if (i % Endpoints.Length == 0)
            {
                at = at.AddMinutes(5);
            }

            double errorRate = Math.Round(Math.Pow(random.NextDouble(), 3) * 0.1, 4);
            double throughput = Math.Round(10 + (random.NextDouble() * 490), 1);
            double cache = Math.Round(0.3 + (random.NextDouble() * 0.69), 3);
            double latency = ExpectedLatency(baseMs, errorRate, throughput, cache, at.Hour) + (Gaussian(random) * NoiseMs);
            yield return string.Create(
                CultureInfo.InvariantCulture,
                $"{at:yyyy-MM-ddTHH:mm:ssZ},{endpoint},{Math.Max(1, latency):F1},{errorRate},{throughput},{cache}\n");
        }
    }

    /// <summary>The CSV as a UTF-8 stream, for uploads.</summary>
    public static MemoryStream ToStream(int rows, int seed = 7)
    {
        var stream = new MemoryStream();
        using (var writer = new StreamWriter(stream, leaveOpen: true))
        {
            Write(writer, rows, seed);
        }

        stream.Position = 0;
        return stream;
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
