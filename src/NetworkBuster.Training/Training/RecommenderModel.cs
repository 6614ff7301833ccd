using System.IO.Compression;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace NetworkBuster.Training.Training;

/// <summary>
/// A fitted <see cref="MatrixFactorization"/> as an ordinary ML.NET model: two value maps (user → [μ, min, max, b_u, p_u],
/// content → [μ, min, max, b_i, popularity lift, q_i]) and a stateless scoring map, so <c>model.zip</c> holds the
/// factors, is saved with <c>Model.Save</c>, hash-verified like every model, and scored through <see cref="Score"/>.
/// </summary>
public static class RecommenderModel
{
    /// <summary>The user column scored.</summary>
    public const string UserColumn = "user_id";

    /// <summary>The content column scored.</summary>
    public const string ItemColumn = "content_id";

    /// <summary>The predicted rating.</summary>
    public const string ScoreColumn = "Score";

    /// <summary>The ranking score: the predicted rating plus the item's popularity lift.</summary>
    public const string AffinityColumn = "Affinity";

    /// <summary>The entry of <c>model.zip</c> listing the content ids the model knows (what <c>?top=</c> ranks); ML.NET ignores it.</summary>
    public const string CatalogEntry = "nbtrain/content-ids.json";

    internal const string UserVector = "__mf_user";
    internal const string ItemVector = "__mf_item";
    internal const string Contract = "nbtrain-mf-score";

    /// <summary>The user's vector: μ, the rating range, b_u, then p_u.</summary>
    public static float[] UserVectorOf(MatrixFactorization mf, int user)
    {
        ArgumentNullException.ThrowIfNull(mf);
        return [mf.Mean, mf.MinRating, mf.MaxRating, mf.UserBias[user], .. mf.UserFactors.AsSpan(user * mf.Factors, mf.Factors)];
    }

    /// <summary>The item's vector: μ, the rating range, b_i, its popularity lift, then q_i.</summary>
    public static float[] ItemVectorOf(MatrixFactorization mf, int item, float popularityLift)
    {
        ArgumentNullException.ThrowIfNull(mf);
        return [mf.Mean, mf.MinRating, mf.MaxRating, mf.ItemBias[item], popularityLift, .. mf.ItemFactors.AsSpan(item * mf.Factors, mf.Factors)];
    }

    /// <summary>
    /// The one scoring function: the predicted rating (clipped to the trained range) and the ranking score. A user and an
    /// item both unknown have no basis for a prediction: NaN.
    /// </summary>
    public static (float Score, float Affinity) Score(ReadOnlySpan<float> user, ReadOnlySpan<float> item)
    {
        if (user.Length == 0 && item.Length == 0)
        {
            return (float.NaN, float.NaN);
        }

        var any = user.Length > 0 ? user : item;
        float score = any[0] + (user.Length > 0 ? user[3] : 0) + (item.Length > 0 ? item[3] : 0);
        if (user.Length > 4 && item.Length > 5)
        {
            score += MatrixFactorization.Dot(user[4..], item[5..]);
        }

        score = Math.Clamp(score, any[1], any[2]);
        return (score, score + (item.Length > 0 ? item[4] : 0));
    }

    /// <summary>Adds the content catalog to a saved model zip (before it is hashed), so a served model can rank every item it knows.</summary>
    /// <param name="zip">The model zip, as written by <c>Model.Save</c>; left open.</param>
    /// <param name="contentIds">The content ids the model was fitted on.</param>
    public static void AppendCatalog(Stream zip, IEnumerable<string> contentIds)
    {
        ArgumentNullException.ThrowIfNull(zip);
        ArgumentNullException.ThrowIfNull(contentIds);
        zip.Position = 0;
        using (var archive = new ZipArchive(zip, ZipArchiveMode.Update, leaveOpen: true))
        {
            using var entry = archive.CreateEntry(CatalogEntry, CompressionLevel.Fastest).Open();
            JsonSerializer.Serialize(entry, contentIds.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray());
        }

        zip.Position = 0;
    }

    /// <summary>The content catalog of a model zip, or null when the zip has none (a version saved before catalogs).</summary>
    public static IReadOnlyList<string>? ReadCatalog(Stream zip)
    {
        ArgumentNullException.ThrowIfNull(zip);
        zip.Position = 0;
        using var archive = new ZipArchive(zip, ZipArchiveMode.Read, leaveOpen: true);
        if (archive.GetEntry(CatalogEntry) is not { } entry)
        {
            return null;
        }

        using var stream = entry.Open();
        var items = JsonSerializer.Deserialize<string[]>(stream);
        zip.Position = 0;
        return items;
    }

    /// <summary>Builds the ML.NET model from fitted factors.</summary>
    /// <param name="ml">The context.</param>
    /// <param name="mf">The factors.</param>
    /// <param name="users">User ids by index.</param>
    /// <param name="items">Item ids by index.</param>
    /// <param name="popularityLift">Each item's ranking lift by index.</param>
    /// <param name="input">A view with the <see cref="UserColumn"/> and <see cref="ItemColumn"/> text columns (its schema is what the model takes).</param>
    public static ITransformer Build(MLContext ml, MatrixFactorization mf, IReadOnlyList<string> users, IReadOnlyList<string> items, IReadOnlyList<float> popularityLift, IDataView input)
    {
        ArgumentNullException.ThrowIfNull(ml);
        ArgumentNullException.ThrowIfNull(users);
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(popularityLift);
        var userMap = users.Select((u, i) => new KeyValuePair<string, float[]>(u, UserVectorOf(mf, i)));
        var itemMap = items.Select((c, i) => new KeyValuePair<string, float[]>(c, ItemVectorOf(mf, i, popularityLift[i])));
        return ml.Transforms.Conversion.MapValue(UserVector, userMap, UserColumn)
            .Append(ml.Transforms.Conversion.MapValue(ItemVector, itemMap, ItemColumn))
            .Append(ml.Transforms.CustomMapping(new RecommenderScoreMapping().GetMapping(), Contract))
            .Fit(input);
    }
}

/// <summary>The stateless scoring step of a recommender model (registered by contract name for loading).</summary>
[CustomMappingFactoryAttribute(RecommenderModel.Contract)]
public sealed class RecommenderScoreMapping : CustomMappingFactory<RecommenderScoreMapping.Input, RecommenderScoreMapping.Output>
{
    /// <inheritdoc />
    public override Action<Input, Output> GetMapping() => (input, output) =>
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        (output.Score, output.Affinity) = RecommenderModel.Score(input.User.DenseValues().ToArray(), input.Item.DenseValues().ToArray());
    };

    /// <summary>The looked-up vectors.</summary>
    public sealed class Input
    {
        /// <summary>The user's vector (empty when unknown).</summary>
        [ColumnName(RecommenderModel.UserVector)]
        [VectorType]
        public VBuffer<float> User { get; set; }

        /// <summary>The item's vector (empty when unknown).</summary>
        [ColumnName(RecommenderModel.ItemVector)]
        [VectorType]
        public VBuffer<float> Item { get; set; }
    }

    /// <summary>The scores.</summary>
    public sealed class Output
    {
        /// <summary>The predicted rating.</summary>
        public float Score { get; set; }

        /// <summary>The ranking score.</summary>
        public float Affinity { get; set; }
    }
}
