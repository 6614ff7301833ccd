
namespace NetworkBuster.Training.Cli.Samples;

/// <summary>Draws the generators share (seeded <see cref="Random"/> only, so data is reproducible).</summary>
internal static class SampleRandom
{
    public static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    public static double Exponential(Random random, double mean) => -mean * Math.Log(1 - random.NextDouble());

    // Marsaglia–Tsang for shape >= 1; boosted for shape < 1.
    public static double Gamma(Random random, double shape, double scale)
    {
        if (shape < 1)
        {
            return Gamma(random, shape + 1, scale) * Math.Pow(random.NextDouble(), 1 / shape);
        }

        double d = shape - (1.0 / 3), c = 1 / Math.Sqrt(9 * d);
        while (true)
        {
            double x = Gaussian(random), v = Math.Pow(1 + (c * x), 3);
            if (v > 0 && Math.Log(1 - random.NextDouble()) < (0.5 * x * x) + d - (d * v) + (d * Math.Log(v)))
            {
                return d * v * scale;
            }
        }
    }

    public static int Poisson(Random random, double mean)
    {
        if (mean > 30)
        {
            return Math.Max(0, (int)Math.Round(mean + (Math.Sqrt(mean) * Gaussian(random))));
        }

        double limit = Math.Exp(-mean), product = random.NextDouble();
        int count = 0;
        while (product > limit)
        {
            product *= random.NextDouble();
            count++;
        }

        return count;
    }

    public static MemoryStream ToStream(Action<TextWriter> write)
    {
        var stream = new MemoryStream();
        using (var writer = new StreamWriter(stream, leaveOpen: true))
        {
            write(writer);
        }

        stream.Position = 0;
        return stream;
    }
}
