using Microsoft.ML;
using Microsoft.ML.Data;
using NetworkBuster.Training.Metrics;
using NetworkBuster.Training.Training;

using RankingMetrics = NetworkBuster.Training.Metrics.RankingMetrics;

namespace NetworkBuster.Training.Evaluation;

/// <summary>
/// Top-N quality of a recommender model, scored through the saved ML.NET model itself: for each held-out user, every
/// known item the user has not interacted with is ranked by <see cref="RecommenderModel.AffinityColumn"/>.
/// </summary>
internal static class RecommenderEvaluation
{
    /// <summary>Precision@10 and NDCG@10 of the model, and of ranking by popularity, over the held-out interactions.</summary>
    /// <param name="ml">The context.</param>
    /// <param name="model">The loaded model.</param>
    /// <param name="known">What the model was fitted on (train + validation).</param>
    /// <param name="heldOut">The test interactions.</param>
    public static (Dictionary<string, double> Metrics, Dictionary<string, double> Baselines) Compute(
        MLContext ml, ITransformer model, RatingSet known, IReadOnlyList<(string User, string Item, float Rating)> heldOut)
    {
        ArgumentNullException.ThrowIfNull(ml);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(known);
        ArgumentNullException.ThrowIfNull(heldOut);
        float relevant = RankingMetrics.RelevantRating(known.Ratings.Count == 0 ? 5 : known.Ratings.Max(r => r.Rating));
        var users = heldOut.Select(h => known.UserIndex(h.User)).Where(u => u >= 0).Distinct().Order().ToArray();
        var scores = users.ToDictionary(u => u, _ => new float[known.Items.Count]);
        var scored = model.Transform(new CandidatePairs([.. users.Select(u => known.Users[u])], known.Items));
        using (var cursor = scored.GetRowCursor(scored.Schema.Where(c => c.Name == RecommenderModel.AffinityColumn)))
        {
            var getter = cursor.GetGetter<float>(scored.Schema[RecommenderModel.AffinityColumn]);
            float value = 0;
            for (long i = 0; cursor.MoveNext(); i++)
            {
                getter(ref value);
                scores[users[i / known.Items.Count]][i % known.Items.Count] = value;
            }
        }

        var model10 = RankingMetrics.Evaluate(known, heldOut, relevant, (u, buffer) => scores[u].CopyTo(buffer, 0));
        var counts = known.ItemCounts();
        var popular = RankingMetrics.Evaluate(known, heldOut, relevant, (_, buffer) => { for (int i = 0; i < buffer.Length; i++) { buffer[i] = counts[i]; } });
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
        var baselines = new Dictionary<string, double>(StringComparer.Ordinal);
        if (model10.Users > 0)
        {
            metrics["Precision@10"] = Math.Round(model10.Precision, 6);
            metrics["NDCG@10"] = Math.Round(model10.Ndcg, 6);
            metrics["RankedUsers"] = model10.Users;
            baselines["Precision@10.popularity"] = Math.Round(popular.Precision, 6);
            baselines["NDCG@10.popularity"] = Math.Round(popular.Ndcg, 6);
        }

        return (metrics, baselines);
    }

    /// <summary>Every (user, item) pair, user-major, as the model's two text input columns.</summary>
    private sealed class CandidatePairs(IReadOnlyList<string> users, IReadOnlyList<string> items) : IDataView
    {
        public IReadOnlyList<string> Users => users;

        public IReadOnlyList<string> Items => items;

        public bool CanShuffle => false;

        public DataViewSchema Schema { get; } = BuildSchema();

        public long? GetRowCount() => (long)users.Count * items.Count;

        public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) => new Cursor(this);

        public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) => [GetRowCursor(columnsNeeded, rand)];

        private static DataViewSchema BuildSchema()
        {
            var builder = new DataViewSchema.Builder();
            builder.AddColumn(RecommenderModel.UserColumn, TextDataViewType.Instance);
            builder.AddColumn(RecommenderModel.ItemColumn, TextDataViewType.Instance);
            return builder.ToSchema();
        }

        private sealed class Cursor(CandidatePairs view) : DataViewRowCursor
        {
            private long _position = -1;

            public override long Position => _position;

            public override long Batch => 0;

            public override DataViewSchema Schema => view.Schema;

            public override bool IsColumnActive(DataViewSchema.Column column) => true;

            public override bool MoveNext() => ++_position < view.GetRowCount();

            public override ValueGetter<DataViewRowId> GetIdGetter() => (ref DataViewRowId value) => value = new DataViewRowId((ulong)_position, 0);

            public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
            {
                ValueGetter<ReadOnlyMemory<char>> getter = column.Index == 0
                    ? (ref ReadOnlyMemory<char> value) => value = view.Users[(int)(_position / view.Items.Count)].AsMemory()
                    : (ref ReadOnlyMemory<char> value) => value = view.Items[(int)(_position % view.Items.Count)].AsMemory();
                return getter as ValueGetter<TValue> ?? throw new InvalidOperationException($"Column '{column.Name}' is text.");
            }
        }
    }
}
