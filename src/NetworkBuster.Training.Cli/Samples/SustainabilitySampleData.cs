using System.Globalization;
using static NetworkBuster.Training.Cli.Samples.SampleRandom;

namespace NetworkBuster.Training.Cli.Samples;

/// <summary>
/// Realistic hourly <c>sustainability-predictor</c> readings with a known signal: requests follow a business-hours and
/// weekday profile; CPU follows requests; energy is an idle draw plus CPU and memory terms plus a slowly drifting
/// (autocorrelated) component that only lag features can track, plus <see cref="NoiseKwh"/> of white noise. Carbon is
/// energy times an hourly grid intensity.
/// </summary>
public static class SustainabilitySampleData
{
    /// <summary>The white noise's standard deviation: about the RMSE a perfect forecaster would reach.</summary>
    public const double NoiseKwh = 0.15;

    /// <summary>The CSV header of the preset.</summary>
    public const string Header = "timestamp,energy_kwh,carbon_kg,memory_percent,cpu_percent,requests";

    /// <summary>Writes <paramref name="days"/> days of hourly readings.</summary>
    public static void Write(TextWriter writer, int days, int seed = 13)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var random = new Random(seed);
        var start = new DateTime(2025, 1, 6, 0, 0, 0, DateTimeKind.Utc);
        double drift = 0;
        writer.Write(Header + "\n");
        for (int h = 0; h < days * 24; h++)
        {
            var at = start.AddHours(h);
            bool weekend = at.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;
            double business = Math.Exp(-Math.Pow((at.Hour - 14) / 4.0, 2));
            double requests = Math.Max(0, (150 + (900 * business * (weekend ? 0.45 : 1))) * (1 + (0.12 * Gaussian(random))));
            double cpu = Math.Clamp(6 + (requests / 14) + (3 * Gaussian(random)), 0, 100);
            double memory = Math.Clamp(45 + (0.25 * cpu) + (6 * Math.Sin(2 * Math.PI * h / (24 * 7))) + (2 * Gaussian(random)), 0, 100);
            drift = (0.9 * drift) + (0.2 * Gaussian(random));
            double energy = Math.Max(0.1, 1.6 + (0.045 * cpu) + (0.012 * memory) + drift + (NoiseKwh * Gaussian(random)));
            double intensity = 0.38 + (0.12 * Math.Cos(2 * Math.PI * (at.Hour - 19) / 24));
            writer.Write(string.Create(
                CultureInfo.InvariantCulture,
                $"{at:yyyy-MM-ddTHH:mm:ssZ},{energy:F3},{energy * intensity:F3},{memory:F1},{cpu:F1},{Math.Round(requests)}\n"));
        }
    }

    /// <summary>The CSV as a UTF-8 stream, for uploads.</summary>
    public static MemoryStream ToStream(int days, int seed = 13) => SampleRandom.ToStream(w => Write(w, days, seed));
}
