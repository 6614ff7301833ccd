using System.Globalization;
using static NetworkBuster.Training.Cli.Samples.SampleRandom;

namespace NetworkBuster.Training.Cli.Samples;

/// <summary>
/// Realistic <c>visitor-behavior-model</c> sessions with a known signal: each user has a latent return rate (sessions
/// per day, Gamma-distributed) and an engagement level; engaged users stay longer before they stop returning (an
/// exponential lifetime), browse longer, click and scroll more. Whether a user churns is therefore visible in recency,
/// frequency and engagement before the cutoff, but not determined by them.
/// </summary>
public static class VisitorSampleData
{
    /// <summary>The CSV header of the preset.</summary>
    public const string Header = "session_id,user_id,timestamp,page,duration,clicks,scroll_depth,device,browser";

    private static readonly string[] Pages = ["/home", "/pricing", "/docs", "/blog", "/signup", "/account", "/support", "/features", "/about", "/careers"];
    private static readonly string[] Devices = ["desktop", "mobile", "tablet"];
    private static readonly string[] Browsers = ["chrome", "safari", "firefox", "edge"];

    /// <summary>Writes the sessions of <paramref name="users"/> users over <paramref name="days"/> days, oldest first.</summary>
    public static void Write(TextWriter writer, int users, int seed = 11, int days = 60)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var random = new Random(seed);
        var start = new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var sessions = new List<(DateTime At, string Line)>();
        for (int u = 0; u < users; u++)
        {
            double engagement = random.NextDouble();
            double rate = Gamma(random, 1.5, 0.12 + (0.4 * engagement));
            double first = random.NextDouble() * days * 0.7;
            double last = Math.Min(days, first + Exponential(random, 8 + (70 * engagement)));
            var device = Devices[random.Next(u % 2 == 0 ? 1 : 3)];
            var browser = Browsers[random.Next(Browsers.Length)];
            int favourite = random.Next(Pages.Length);
            for (double t = first; t < last; t += Exponential(random, 1 / Math.Max(rate, 0.01)))
            {
                var at = start.AddDays(t);
                var page = random.NextDouble() < 0.4 ? Pages[favourite] : Pages[random.Next(Pages.Length)];
                double duration = Math.Round(Math.Exp(4 + (1.5 * engagement) + (0.6 * Gaussian(random))), 1);
                int clicks = Poisson(random, 2 + (10 * engagement));
                double scroll = Math.Round(Math.Clamp(0.2 + (0.6 * engagement) + (0.15 * Gaussian(random)), 0, 1), 3);
                sessions.Add((at, string.Create(
                    CultureInfo.InvariantCulture,
                    $"s{sessions.Count},u{u},{at:yyyy-MM-ddTHH:mm:ssZ},{page},{duration},{clicks},{scroll},{device},{browser}\n")));
            }
        }

        writer.Write(Header + "\n");
        foreach (var (_, line) in sessions.OrderBy(s => s.At))
        {
            writer.Write(line);
        }
    }

    /// <summary>The CSV as a UTF-8 stream, for uploads.</summary>
    public static MemoryStream ToStream(int users, int seed = 11, int days = 60) => SampleRandom.ToStream(w => Write(w, users, seed, days));
}
