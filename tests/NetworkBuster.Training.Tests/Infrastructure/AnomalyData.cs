using System.Globalization;
using System.Text;

namespace NetworkBuster.Training.Tests.Infrastructure;

/// <summary>
/// Sensor-like rows for anomaly tests: six correlated readings from two hidden factors plus a little noise (a plane in
/// six dimensions); the planted anomalies are pushed off that plane, each reading still in its usual range.
/// </summary>
public static class AnomalyData
{
    /// <summary>The feature columns.</summary>
    public static readonly string[] Features = ["s0", "s1", "s2", "s3", "s4", "s5"];

    private const double Noise = 0.15;
    private const double Offset = 2.5;

    /// <summary>One generated row.</summary>
    /// <param name="Values">The six readings.</param>
    /// <param name="IsAnomaly">Whether it was planted off the plane.</param>
    public sealed record Row(double[] Values, bool IsAnomaly);

    /// <summary><paramref name="count"/> rows, about <paramref name="anomalyShare"/> of them anomalies, from one seeded generator.</summary>
    public static List<Row> Rows(int count, double anomalyShare, int seed)
    {
        var random = new Random(seed);

        // The plane is the same for every seed: a model trained on one sample scores another.
        var mixing = new Random(2026);
        var loadings = new double[Features.Length, 2];
        for (int f = 0; f < Features.Length; f++)
        {
            loadings[f, 0] = Gaussian(mixing);
            loadings[f, 1] = Gaussian(mixing);
        }

        var rows = new List<Row>(count);
        for (int i = 0; i < count; i++)
        {
            double z0 = Gaussian(random), z1 = Gaussian(random);
            var x = new double[Features.Length];
            for (int f = 0; f < x.Length; f++)
            {
                x[f] = (loadings[f, 0] * z0) + (loadings[f, 1] * z1) + (Noise * Gaussian(random));
            }

            bool anomaly = random.NextDouble() < anomalyShare;
            if (anomaly)
            {
                var push = OffPlane(loadings, random);
                for (int f = 0; f < x.Length; f++)
                {
                    x[f] += Offset * push[f];
                }
            }

            rows.Add(new Row(x, anomaly));
        }

        return rows;
    }

    /// <summary>The rows as CSV: the readings, then <c>is_anomaly</c> (1/0) when <paramref name="withLabel"/>.</summary>
    public static string Csv(IEnumerable<Row> rows, bool withLabel)
    {
        var csv = new StringBuilder(string.Join(",", Features)).Append(withLabel ? ",is_anomaly\n" : "\n");
        foreach (var row in rows)
        {
            csv.Append(string.Join(",", row.Values.Select(v => v.ToString("0.#####", CultureInfo.InvariantCulture))));
            csv.Append(withLabel ? (row.IsAnomaly ? ",1\n" : ",0\n") : "\n");
        }

        return csv.ToString();
    }

    // A random unit direction with its component in the plane removed (Gram-Schmidt against the two loadings).
    private static double[] OffPlane(double[,] loadings, Random random)
    {
        int n = loadings.GetLength(0);
        var a = Enumerable.Range(0, n).Select(f => loadings[f, 0]).ToArray();
        var b = Enumerable.Range(0, n).Select(f => loadings[f, 1]).ToArray();
        b = Subtract(b, a, Dot(b, a) / Dot(a, a));
        var v = Enumerable.Range(0, n).Select(_ => Gaussian(random)).ToArray();
        v = Subtract(v, a, Dot(v, a) / Dot(a, a));
        v = Subtract(v, b, Dot(v, b) / Dot(b, b));
        double norm = Math.Sqrt(Dot(v, v));
        return [.. v.Select(x => x / norm)];
    }

    private static double[] Subtract(double[] v, double[] u, double k) => [.. v.Select((x, i) => x - (k * u[i]))];

    private static double Dot(double[] a, double[] b) => a.Select((x, i) => x * b[i]).Sum();

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
