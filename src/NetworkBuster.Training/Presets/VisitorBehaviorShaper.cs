using System.Globalization;
using System.Text;
using NetworkBuster.Training.Contracts;
using NetworkBuster.Training.Datasets;

namespace NetworkBuster.Training.Presets;

/// <summary>
/// <c>visitor-behavior-model</c>: web sessions in, one row per user out. The cutoff is the newest session minus the
/// horizon; features are aggregated from each user's sessions before the cutoff, and the label <c>churned</c> is 1
/// when the user has no session in the horizon after it. Keeps a compact record per session, never the text.
/// </summary>
/// <param name="horizonDays">The churn horizon in days.</param>
internal sealed class VisitorBehaviorShaper(double horizonDays) : IDatasetShaper
{
    /// <summary>The default churn horizon, in days (the preset option <c>horizonDays</c>).</summary>
    public const double DefaultHorizonDays = 7;

    /// <summary>The preset's CSV header.</summary>
    public static readonly IReadOnlyList<string> Header = ["session_id", "user_id", "timestamp", "page", "duration", "clicks", "scroll_depth", "device", "browser"];

    /// <summary>The aggregated numeric features, in row order.</summary>
    public static readonly IReadOnlyList<string> Aggregates =
        ["recency_days", "tenure_days", "sessions_total", "sessions_7d", "sessions_30d", "active_days", "mean_gap_days", "duration_mean", "duration_total", "clicks_mean", "scroll_mean", "engagement_score"];

    private const int TopPages = 8;
    private readonly Dictionary<string, List<Session>> _users = new(StringComparer.Ordinal);
    private readonly Dictionary<string, short> _pages = new(StringComparer.Ordinal);
    private readonly Dictionary<string, byte> _devices = new(StringComparer.Ordinal);
    private readonly Dictionary<string, byte> _browsers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _notes = new(StringComparer.Ordinal);
    private string[] _topPages = [];
    private int[] _ordinals = [];

    /// <inheritdoc />
    public IReadOnlyDictionary<string, string> Notes => _notes;

    /// <inheritdoc />
    public SnapshotSchema Start(IReadOnlyList<string> header, IReadOnlyList<string[]> sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        _ordinals = RowMapper.MapHeader(Header, header);
        _topPages = [.. sample.Where(r => r.Length == header.Count).GroupBy(r => r[_ordinals[3]].Trim(), StringComparer.Ordinal)
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).Take(TopPages).Select(g => g.Key)];
        return Schema(_topPages);
    }

    /// <summary>The row layout for a set of tracked pages.</summary>
    public static SnapshotSchema Schema(IReadOnlyList<string> topPages) => new(
        ModelTask.Binary,
        "churned",
        [
            .. Aggregates.Select(a => new SnapshotColumn(a, SnapshotColumnKind.Number, a)),
            .. PageColumns(topPages).Select(p => new SnapshotColumn(p, SnapshotColumnKind.Number, "page")),
            new("top_device", SnapshotColumnKind.Category, "device"),
            new("top_browser", SnapshotColumnKind.Category, "browser"),
        ]);

    /// <inheritdoc />
    public void StartNextFile(IReadOnlyList<string> header)
    {
        _ordinals = RowMapper.MapHeader(Header, header);
        _users.Clear();
    }

    /// <inheritdoc />
    public string? Accept(string[] fields, IShapedRowSink sink)
    {
        ArgumentNullException.ThrowIfNull(fields);
        string Cell(int i) => fields[_ordinals[i]].Trim();
        var user = Cell(1);
        if (user.Length == 0)
        {
            return "column 'user_id' expected a user id, found an empty cell";
        }

        if (!TimestampParser.TryParse(Cell(2), out var at))
        {
            return $"column 'timestamp' expected a date and time, found \"{ContractNames.Truncate(Cell(2), 40)}\"";
        }

        var numbers = new float[3];
        for (int i = 0; i < 3; i++)
        {
            var cell = Cell(4 + i);
            if (cell.Length == 0)
            {
                numbers[i] = float.NaN;
            }
            else if (double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v))
            {
                numbers[i] = (float)v;
            }
            else
            {
                return $"column '{Header[4 + i]}' expected a finite number, found \"{ContractNames.Truncate(cell, 40)}\"";
            }
        }

        if (!_users.TryGetValue(user, out var sessions))
        {
            _users[user] = sessions = [];
        }

        sessions.Add(new Session(at.Ticks, numbers[0], numbers[1], numbers[2], Intern(_pages, Cell(3), short.MaxValue), Intern(_devices, Cell(7), byte.MaxValue), Intern(_browsers, Cell(8), byte.MaxValue)));
        return null;
    }

    /// <inheritdoc />
    public void Complete(IShapedRowSink sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        if (_users.Count == 0)
        {
            return;
        }

        long newest = _users.Values.Max(s => s.Max(x => x.Ticks));
        long cutoff = newest - TimeSpan.FromDays(horizonDays).Ticks;
        var pageIndex = _topPages.Select(p => _pages.TryGetValue(p, out short i) ? i : (short)-1).ToArray();
        var devices = _devices.OrderBy(d => d.Value).Select(d => d.Key).ToArray();
        var browsers = _browsers.OrderBy(d => d.Value).Select(d => d.Key).ToArray();
        var numbers = new float[1 + Aggregates.Count + _topPages.Length];
        var strings = new string[2];
        int users = 0, churned = 0;
        foreach (var (_, sessions) in _users.OrderBy(u => u.Key, StringComparer.Ordinal))
        {
            var before = sessions.Where(s => s.Ticks < cutoff).ToList();
            if (before.Count == 0)
            {
                continue;
            }

            numbers[0] = sessions.Any(s => s.Ticks >= cutoff && s.Ticks <= newest) ? 0 : 1;
            Aggregate(before, cutoff, numbers.AsSpan(1));
            for (int p = 0; p < pageIndex.Length; p++)
            {
                numbers[1 + Aggregates.Count + p] = before.Count(s => s.Page == pageIndex[p]) / (float)before.Count;
            }

            strings[0] = devices[Mode(before, s => s.Device)];
            strings[1] = browsers[Mode(before, s => s.Browser)];
            sink.Emit(numbers, strings, users++);
            churned += numbers[0] == 1 ? 1 : 0;
        }

        _notes["cutoff"] = new DateTime(cutoff, DateTimeKind.Utc).ToString("O", CultureInfo.InvariantCulture);
        _notes["horizonDays"] = horizonDays.ToString(CultureInfo.InvariantCulture);
        _notes["users"] = users.ToString(CultureInfo.InvariantCulture);
        _notes["churnedShare"] = (users == 0 ? 0 : churned / (double)users).ToString("0.###", CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// The engagement score (0–100): a quarter each for sessions in the last 30 days (12 or more is full), mean session
    /// duration (600 s or more), scroll depth (0–1, or 0–100 read as percent) and recency (halving about every 5 days).
    /// </summary>
    public static float EngagementScore(float sessions30d, float durationMean, float scrollMean, float recencyDays)
    {
        float scroll = float.IsNaN(scrollMean) ? 0 : Math.Clamp(scrollMean > 1.5f ? scrollMean / 100 : scrollMean, 0, 1);
        float duration = float.IsNaN(durationMean) ? 0 : Math.Min(1, durationMean / 600);
        return 25 * (Math.Min(1, sessions30d / 12) + duration + scroll + MathF.Exp(-recencyDays / 7));
    }

    private static void Aggregate(List<Session> before, long cutoff, Span<float> output)
    {
        const double TicksPerDay = TimeSpan.TicksPerDay;
        long first = before.Min(s => s.Ticks), last = before.Max(s => s.Ticks);
        float recency = (float)((cutoff - last) / TicksPerDay);
        float last30 = before.Count(s => cutoff - s.Ticks <= 30 * TimeSpan.TicksPerDay);
        float durationMean = Mean(before, s => s.Duration);
        float scrollMean = Mean(before, s => s.Scroll);
        output[0] = recency;
        output[1] = (float)((cutoff - first) / TicksPerDay);
        output[2] = before.Count;
        output[3] = before.Count(s => cutoff - s.Ticks <= 7 * TimeSpan.TicksPerDay);
        output[4] = last30;
        output[5] = before.Select(s => s.Ticks / TimeSpan.TicksPerDay).Distinct().Count();
        output[6] = before.Count > 1 ? (float)((last - first) / TicksPerDay / (before.Count - 1)) : float.NaN;
        output[7] = durationMean;
        output[8] = before.Where(s => !float.IsNaN(s.Duration)).Sum(s => s.Duration);
        output[9] = Mean(before, s => s.Clicks);
        output[10] = scrollMean;
        output[11] = EngagementScore(last30, durationMean, scrollMean, recency);
    }

    private static float Mean(List<Session> sessions, Func<Session, float> value)
    {
        var known = sessions.Select(value).Where(v => !float.IsNaN(v)).ToList();
        return known.Count == 0 ? float.NaN : known.Average();
    }

    private static int Mode(List<Session> sessions, Func<Session, int> value) =>
        sessions.GroupBy(value).OrderByDescending(g => g.Count()).ThenBy(g => g.Key).First().Key;

    private static IEnumerable<string> PageColumns(IReadOnlyList<string> pages)
    {
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var page in pages)
        {
            var builder = new StringBuilder("page_share_");
            foreach (char c in page.ToLowerInvariant())
            {
                builder.Append(char.IsAsciiLetterOrDigit(c) ? c : '_');
            }

            var name = builder.ToString().TrimEnd('_');
            while (!used.Add(name))
            {
                name += "_";
            }

            yield return name;
        }
    }

    private static T Intern<T>(Dictionary<string, T> table, string value, T max)
        where T : struct, System.Numerics.INumber<T>
    {
        if (table.TryGetValue(value, out var index))
        {
            return index;
        }

        // Beyond the type's range every new value shares the last slot ("other").
        var next = T.CreateTruncating(table.Count);
        return next >= max ? T.CreateTruncating(table.Count - 1) : table[value] = next;
    }

    private readonly record struct Session(long Ticks, float Duration, float Clicks, float Scroll, short Page, byte Device, byte Browser);
}
