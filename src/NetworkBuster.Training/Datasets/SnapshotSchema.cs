using NetworkBuster.Training.Contracts;

namespace NetworkBuster.Training.Datasets;

/// <summary>How a snapshot column is stored and featurized.</summary>
public enum SnapshotColumnKind
{
    /// <summary>A float; NaN is a missing value.</summary>
    Number,

    /// <summary>A category string, one-hot encoded (hashed at high cardinality).</summary>
    Category,

    /// <summary>Free text, featurized into n-grams.</summary>
    Text,
}

/// <summary>A feature column of a snapshot.</summary>
/// <param name="Name">The column name (the CSV column, or a derived name such as <c>timestamp_hour</c>).</param>
/// <param name="Kind">How it is stored and featurized.</param>
/// <param name="Source">The CSV column it came from.</param>
/// <param name="Cardinality">For a category, the distinct values seen in the inference sample (0 when unknown): many values are hashed instead of one-hot encoded.</param>
public sealed record SnapshotColumn(string Name, SnapshotColumnKind Kind, string Source, int Cardinality = 0);

/// <summary>
/// The typed layout of a snapshot: a float <see cref="LabelColumn"/> plus feature columns. Rows are stored
/// with all numbers first (label, then numeric features in order), then all strings. An unlabeled anomaly snapshot
/// keeps the label slot, filled with 0, and says so with <see cref="HasLabel"/>.
/// </summary>
/// <param name="Task">What the model learns.</param>
/// <param name="Label">The CSV label column; <see cref="TabularSpec.NoLabel"/> when the rows have none (unlabeled anomaly models).</param>
/// <param name="Features">The feature columns.</param>
/// <param name="ClassNames">For classification, the label values in the order of their class index.</param>
public sealed record SnapshotSchema(ModelTask Task, string Label, IReadOnlyList<SnapshotColumn> Features, IReadOnlyList<string>? ClassNames = null)
{
    /// <summary>The label's column name in snapshots and models.</summary>
    public const string LabelColumn = "Label";

    /// <summary>Whether the label slot holds real labels; false for an unlabeled anomaly model, whose slot is a placeholder 0.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool HasLabel => Label.Length > 0;

    /// <summary>
    /// The tabular problem that maps raw CSV rows to this layout again (for scoring new data): one feature per
    /// source column, a timestamp where derived columns were expanded from it.
    /// </summary>
    public TabularSpec ToTabularSpec() => new(
        Task,
        Label,
        [.. Features.GroupBy(f => f.Source).Select(g => new FeatureColumn(
            g.Key,
            g.Count() > 1 || g.First().Name != g.Key ? FeatureKind.Timestamp
            : g.First().Kind switch { SnapshotColumnKind.Number => FeatureKind.Numeric, SnapshotColumnKind.Category => FeatureKind.Categorical, _ => FeatureKind.Text }))]);

    // Cached per feature list (not a field: a record's equality compares fields): cursors ask for these once per
    // column, which with 20,000 columns and a fresh list per call was 400 million steps per scoring.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<IReadOnlyList<SnapshotColumn>, SnapshotColumn[][]> Partitions = new();

    /// <summary>The numeric feature columns, in storage order.</summary>
    public IReadOnlyList<SnapshotColumn> NumberColumns => Partition()[0];

    /// <summary>The string feature columns, in storage order.</summary>
    public IReadOnlyList<SnapshotColumn> StringColumns => Partition()[1];

    private SnapshotColumn[][] Partition() => Partitions.GetValue(
        Features,
        features => [[.. features.Where(f => f.Kind == SnapshotColumnKind.Number)], [.. features.Where(f => f.Kind != SnapshotColumnKind.Number)]]);
}
