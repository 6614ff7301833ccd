
namespace NetworkBuster.Training.Metrics;

/// <summary>One rating by index.</summary>
/// <param name="User">The user's index.</param>
/// <param name="Item">The item's index.</param>
/// <param name="Rating">The rating.</param>
public readonly record struct RatingTriple(int User, int Item, float Rating);

/// <summary>Ratings by index, with the id tables that give the indices meaning.</summary>
internal sealed class RatingSet
{
    private readonly Dictionary<string, int> _users = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _items = new(StringComparer.Ordinal);

    /// <summary>User ids by index.</summary>
    public List<string> Users { get; } = [];

    /// <summary>Item ids by index.</summary>
    public List<string> Items { get; } = [];

    /// <summary>The ratings.</summary>
    public List<RatingTriple> Ratings { get; } = [];

    /// <summary>Adds a rating, giving new ids the next index.</summary>
    public void Add(string user, string item, float rating) => Ratings.Add(new(Intern(_users, Users, user), Intern(_items, Items, item), rating));

    /// <summary>A user's index, or −1.</summary>
    public int UserIndex(string user) => _users.TryGetValue(user, out int i) ? i : -1;

    /// <summary>An item's index, or −1.</summary>
    public int ItemIndex(string item) => _items.TryGetValue(item, out int i) ? i : -1;

    /// <summary>Ratings per item index.</summary>
    public int[] ItemCounts()
    {
        var counts = new int[Items.Count];
        foreach (var r in Ratings)
        {
            counts[r.Item]++;
        }

        return counts;
    }

    private static int Intern(Dictionary<string, int> index, List<string> names, string id)
    {
        if (!index.TryGetValue(id, out int i))
        {
            index[id] = i = names.Count;
            names.Add(id);
        }

        return i;
    }
}

/// <summary>Precision@k and NDCG@k (binary relevance) of top-k lists over held-out interactions.</summary>
internal static class RankingMetrics
{
    /// <summary>The list length the pipeline reports.</summary>
    public const int K = 10;

    /// <summary>
    /// Ranks, for each user with a relevant held-out item, every known item the user has not interacted with in
    /// <paramref name="known"/>, by <paramref name="score"/>; relevant = held-out items rated at least <paramref name="relevantRating"/>.
    /// </summary>
    /// <param name="known">The interactions the model was fitted on (indices define users and items).</param>
    /// <param name="heldOut">Held-out (user id, item id, rating).</param>
    /// <param name="relevantRating">The rating from which a held-out item counts as relevant.</param>
    /// <param name="score">Scores all items for a user index into the given buffer.</param>
    /// <param name="k">The list length.</param>
    /// <returns>Mean precision@k, mean NDCG@k, and the number of users averaged.</returns>
    public static (double Precision, double Ndcg, int Users) Evaluate(
        RatingSet known, IEnumerable<(string User, string Item, float Rating)> heldOut, float relevantRating, Action<int, float[]> score, int k = K)
    {
        ArgumentNullException.ThrowIfNull(known);
        ArgumentNullException.ThrowIfNull(heldOut);
        ArgumentNullException.ThrowIfNull(score);
        var seen = known.Ratings.GroupBy(r => r.User).ToDictionary(g => g.Key, g => g.Select(r => r.Item).ToHashSet());
        var relevant = heldOut.Where(h => h.Rating >= relevantRating && known.UserIndex(h.User) >= 0)
            .GroupBy(h => known.UserIndex(h.User))
            .ToDictionary(g => g.Key, g => g.Select(h => known.ItemIndex(h.Item)).ToHashSet());
        double precision = 0, ndcg = 0;
        var scores = new float[known.Items.Count];
        foreach (var (user, items) in relevant.OrderBy(r => r.Key))
        {
            score(user, scores);
            var exclude = seen.GetValueOrDefault(user) ?? [];
            var top = Enumerable.Range(0, scores.Length).Where(i => !exclude.Contains(i) && !float.IsNaN(scores[i]))
                .OrderByDescending(i => scores[i]).ThenBy(i => i).Take(k).ToList();
            double dcg = 0;
            int hits = 0;
            for (int rank = 0; rank < top.Count; rank++)
            {
                if (items.Contains(top[rank]))
                {
                    hits++;
                    dcg += 1 / Math.Log2(rank + 2);
                }
            }

            double ideal = Enumerable.Range(0, Math.Min(k, items.Count)).Sum(r => 1 / Math.Log2(r + 2));
            precision += hits / (double)k;
            ndcg += ideal > 0 ? dcg / ideal : 0;
        }

        int n = relevant.Count;
        return n == 0 ? (double.NaN, double.NaN, 0) : (precision / n, ndcg / n, n);
    }

    /// <summary>The rating from which an item counts as relevant: 4 on a 1–5 scale; the top of the scale below that.</summary>
    public static float RelevantRating(float maxRating) => Math.Min(4, maxRating);
}
