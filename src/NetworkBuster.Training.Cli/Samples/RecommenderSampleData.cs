using System.Globalization;
using static NetworkBuster.Training.Cli.Samples.SampleRandom;

namespace NetworkBuster.Training.Cli.Samples;

/// <summary>The size of a generated ratings dataset.</summary>
/// <param name="Users">Users.</param>
/// <param name="Items">Items.</param>
/// <param name="MinRatingsPerUser">Every user rates at least this many items.</param>
/// <param name="LogMedianExtra">ln of the median number of ratings above the minimum (log-normal, σ = 1).</param>
public sealed record RatingsShape(int Users, int Items, int MinRatingsPerUser, double LogMedianExtra)
{
    /// <summary>MovieLens-100k's shape: 943 users, 1,682 items, at least 20 ratings each, about 100,000 ratings.</summary>
    public static RatingsShape MovieLens100K { get; } = new(943, 1682, 20, 3.9);

    /// <summary>A small shape for tests and the demo (about 8,000 ratings).</summary>
    public static RatingsShape Small { get; } = new(200, 300, 12, 3.0);
}

/// <summary>
/// <c>content-recommender</c> interactions shaped like MovieLens-100k with a known latent-factor signal: rating =
/// round(3.53 + b_u + b_i + p_u·q_i + ε) clipped to 1–5, with user biases (σ 0.45), item biases (σ 0.5, higher for popular
/// items), 8 latent factors (p·q σ ≈ 0.8) and noise ε (σ <see cref="Noise"/>). Which items a user rates is skewed to
/// popular items (Zipf-like) and to items the user likes, as in real logs. Calibrated so that, as on MovieLens-100k,
/// predicting the global mean scores RMSE ≈ 1.09 and a bias-only model ≈ 0.94 under 5-fold cross-validation
/// (Surprise's BaselineOnly reaches 0.944 on the real data).
/// </summary>
public static class RecommenderSampleData
{
    /// <summary>The CSV header of the preset.</summary>
    public const string Header = "user_id,content_id,interaction_type,timestamp,duration_sec,rating";

    /// <summary>The rating noise's standard deviation (before rounding).</summary>
    public const double Noise = 0.72;

    private const int Factors = 8;

    /// <summary>Writes the interactions in time order.</summary>
    public static void Write(TextWriter writer, RatingsShape shape, int seed = 17)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(shape);
        var random = new Random(seed);
        var start = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        double factorScale = Math.Sqrt(0.8 / Math.Sqrt(Factors));
        var itemFactors = Matrix(random, shape.Items, factorScale);
        var popularity = Enumerable.Range(0, shape.Items).Select(i => 1 / Math.Pow(i + 8, 1.05)).ToArray();
        var shuffledItems = Enumerable.Range(0, shape.Items).ToArray();
        random.Shuffle(shuffledItems);
        var itemBias = Enumerable.Range(0, shape.Items).Select(i => (0.5 * Gaussian(random)) + (0.06 * (Math.Log(popularity[i]) - Math.Log(popularity[shape.Items / 10])))).ToArray();
        var lines = new List<(DateTime At, string Line)>();
        var weights = new double[shape.Items];
        for (int u = 0; u < shape.Users; u++)
        {
            var p = Matrix(random, 1, factorScale)[0];
            double userBias = 0.45 * Gaussian(random);
            int count = Math.Min(shape.Items / 2, shape.MinRatingsPerUser + (int)Math.Round(Math.Exp(shape.LogMedianExtra + Gaussian(random))));
            double activeDays = 30 + (random.NextDouble() * 300);
            var firstDay = random.NextDouble() * 60;
            for (int i = 0; i < shape.Items; i++)
            {
                // Efraimidis–Spirakis keys: sampling without replacement, weighted by popularity and affinity.
                weights[i] = Math.Log(random.NextDouble()) / (popularity[i] * Math.Exp(0.8 * Dot(p, itemFactors[i])));
            }

            foreach (int i in Enumerable.Range(0, shape.Items).OrderByDescending(i => weights[i]).Take(count))
            {
                double raw = 3.53 + userBias + itemBias[i] + Dot(p, itemFactors[i]) + (Noise * Gaussian(random));
                int rating = (int)Math.Clamp(Math.Round(raw), 1, 5);
                var at = start.AddDays(firstDay + (random.NextDouble() * activeDays)).AddSeconds(random.Next(86_400));
                int duration = (int)Math.Round(Math.Exp(3 + (0.3 * rating) + (0.4 * Gaussian(random))));
                lines.Add((at, string.Create(CultureInfo.InvariantCulture, $"u{u + 1},c{shuffledItems[i] + 1},rating,{at:yyyy-MM-ddTHH:mm:ssZ},{duration},{rating}\n")));
            }
        }

        writer.Write(Header + "\n");
        foreach (var (_, line) in lines.OrderBy(l => l.At))
        {
            writer.Write(line);
        }
    }

    /// <summary>The CSV as a UTF-8 stream, for uploads.</summary>
    public static MemoryStream ToStream(RatingsShape shape, int seed = 17) => SampleRandom.ToStream(w => Write(w, shape, seed));

    private static double[][] Matrix(Random random, int rows, double scale) =>
        [.. Enumerable.Range(0, rows).Select(_ => Enumerable.Range(0, Factors).Select(_ => scale * Gaussian(random)).ToArray())];

    private static double Dot(double[] a, double[] b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }
}
