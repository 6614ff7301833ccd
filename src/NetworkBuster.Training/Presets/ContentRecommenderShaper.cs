using System.Globalization;
using NetworkBuster.Training.Contracts;
using NetworkBuster.Training.Datasets;

namespace NetworkBuster.Training.Presets;

/// <summary>
/// <c>content-recommender</c>: interactions in, one (user, content, rating) row each out, split per user by time:
/// each user's latest interactions are held out for test (and the ones before them for validation), so the model is
/// scored on what every user did next. Users with fewer than <see cref="MinInteractionsToHoldOut"/> stay in train.
/// </summary>
/// <param name="testShare">The share of each user's interactions held out for test (at least one).</param>
/// <param name="perUserLatest">Whether each user's latest interactions are held out (the time split, the preset's default); otherwise the job's split assigns each interaction.</param>
/// <param name="validationShare">The share held out for validation.</param>
internal sealed class ContentRecommenderShaper(double testShare, double validationShare, bool perUserLatest = true) : IDatasetShaper
{
    /// <summary>The preset's CSV header.</summary>
    public static readonly IReadOnlyList<string> Header = ["user_id", "content_id", "interaction_type", "timestamp", "duration_sec", "rating"];

    /// <summary>Users with fewer interactions are only trained on.</summary>
    public const int MinInteractionsToHoldOut = 5;

    /// <summary>The shaper for a job: per-user latest for the time split (the preset's default), the job's split otherwise.</summary>
    public static ContentRecommenderShaper For(TrainingJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        return new(job.Split.Test, job.Split.Validation, perUserLatest: job.Split.Kind == SplitSpec.Time);
    }

    private readonly List<string> _userNames = [];
    private readonly List<string> _itemNames = [];
    private readonly Dictionary<string, int> _userIndex = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _itemIndex = new(StringComparer.Ordinal);
    private readonly List<Interaction> _interactions = [];
    private readonly Dictionary<string, string> _notes = new(StringComparer.Ordinal);
    private int[] _ordinals = [];

    /// <summary>The row layout: the rating, the user and the content.</summary>
    public static SnapshotSchema Schema { get; } = new(
        ModelTask.Recommendation,
        "rating",
        [new("user_id", SnapshotColumnKind.Category, "user_id"), new("content_id", SnapshotColumnKind.Category, "content_id")]);

    /// <inheritdoc />
    public IReadOnlyDictionary<string, string> Notes => _notes;

    /// <inheritdoc />
    public SnapshotSchema Start(IReadOnlyList<string> header, IReadOnlyList<string[]> sample)
    {
        StartNextFile(header);
        return Schema;
    }

    /// <inheritdoc />
    public void StartNextFile(IReadOnlyList<string> header)
    {
        _ordinals = RowMapper.MapHeader(Header, header);
        _interactions.Clear();
    }

    /// <inheritdoc />
    public string? Accept(string[] fields, IShapedRowSink sink)
    {
        ArgumentNullException.ThrowIfNull(fields);
        string Cell(int i) => fields[_ordinals[i]].Trim();
        var (user, item, time, rating) = (Cell(0), Cell(1), Cell(3), Cell(5));
        if (user.Length == 0 || item.Length == 0)
        {
            return "columns 'user_id' and 'content_id' expected ids, found an empty cell";
        }

        if (!TimestampParser.TryParse(time, out var at))
        {
            return $"column 'timestamp' expected a date and time, found \"{ContractNames.Truncate(time, 40)}\"";
        }

        if (!double.TryParse(rating, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value))
        {
            return $"label 'rating' expected a finite number, found \"{ContractNames.Truncate(rating, 40)}\"";
        }

        _interactions.Add(new Interaction(Index(_userIndex, _userNames, user), Index(_itemIndex, _itemNames, item), (float)value, at.Ticks));
        return null;
    }

    /// <inheritdoc />
    public void Complete(IShapedRowSink sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        var numbers = new float[1];
        var strings = new string[2];
        int heldOut = 0;

        foreach (var group in _interactions.Select((x, i) => (x, i)).GroupBy(p => p.x.User).OrderBy(g => g.Key))
        {
            var ordered = group.OrderBy(p => p.x.Ticks).ThenBy(p => p.i).Select(p => p.x).ToList();
            int n = ordered.Count;
            int test = n < MinInteractionsToHoldOut ? 0 : Math.Max(1, (int)Math.Round(n * testShare));
            int validation = n < MinInteractionsToHoldOut || validationShare <= 0 ? 0 : Math.Max(1, (int)Math.Round(n * validationShare));
            validation = Math.Min(validation, Math.Max(0, n - test - 2));
            heldOut += perUserLatest && test > 0 ? 1 : 0;
            for (int k = 0; k < n; k++)
            {
                var x = ordered[k];
                numbers[0] = x.Rating;
                strings[0] = _userNames[x.User];
                strings[1] = _itemNames[x.Item];
                // Per-user latest (the time split): each user's newest interactions are held out. Otherwise (random,
                // files, kfold) the job's split assigns each interaction, and a files split's test file goes to test whole.
                var split = !perUserLatest ? null : k >= n - test ? SplitName.Test : k >= n - test - validation ? SplitName.Validation : SplitName.Train;
                sink.Emit(numbers, strings, new DateTime(x.Ticks, DateTimeKind.Utc).Subtract(DateTime.UnixEpoch).TotalSeconds, split);
            }
        }

        _notes["users"] = _userNames.Count.ToString(CultureInfo.InvariantCulture);
        _notes["items"] = _itemNames.Count.ToString(CultureInfo.InvariantCulture);
        _notes["usersHeldOut"] = heldOut.ToString(CultureInfo.InvariantCulture);
    }

    private static int Index(Dictionary<string, int> index, List<string> names, string value)
    {
        if (!index.TryGetValue(value, out int i))
        {
            index[value] = i = names.Count;
            names.Add(value);
        }

        return i;
    }

    private readonly record struct Interaction(int User, int Item, float Rating, long Ticks);
}
