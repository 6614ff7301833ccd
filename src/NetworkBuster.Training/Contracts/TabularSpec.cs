
namespace NetworkBuster.Training.Contracts;

/// <summary>
/// What a model learns: a regression, a classification, a recommendation or anomaly scores. Stored as its number
/// (snapshot manifests, input schemas), so new tasks go at the end.
/// </summary>
public enum ModelTask
{
    /// <summary>A number (the label) from the features.</summary>
    Regression,

    /// <summary>A yes/no label with a probability.</summary>
    Binary,

    /// <summary>One of several classes.</summary>
    Multiclass,

    /// <summary>A user's rating of or affinity for an item.</summary>
    Recommendation,

    /// <summary>An anomaly score learned from unlabeled rows; an optional label marks known anomalies for evaluation only.</summary>
    Anomaly,
}

/// <summary>How a CSV column becomes features.</summary>
public enum FeatureKind
{
    /// <summary>Inferred from the data at ingest: numeric when every sampled cell parses as a number, else categorical.</summary>
    Inferred,

    /// <summary>A number; a blank cell is a missing value.</summary>
    Numeric,

    /// <summary>A category, one-hot encoded (hashed when it has many values).</summary>
    Categorical,

    /// <summary>Free text, featurized into n-grams.</summary>
    Text,

    /// <summary>A date and time, expanded to calendar parts (hour, day of week, day of month, month, seconds since midnight, weekend flag).</summary>
    Timestamp,
}

/// <summary>A feature column of the source CSV.</summary>
/// <param name="Name">The CSV column name.</param>
/// <param name="Kind">How it becomes features.</param>
public sealed record FeatureColumn(string Name, FeatureKind Kind);

/// <summary>A tabular learning problem over one CSV: the task, the label and the feature columns.</summary>
/// <param name="Task">What is learned.</param>
/// <param name="Label">The label column; <see cref="NoLabel"/> for an anomaly model trained without known anomalies.</param>
/// <param name="Features">The feature columns.</param>
/// <param name="ExpectedHeader">The exact CSV header required, when the model has a fixed format (presets).</param>
/// <param name="Metric">The primary metric the job chose (<c>spec.metric</c>), by its canonical name; null: the task's default.</param>
public sealed record TabularSpec(
    ModelTask Task,
    string Label,
    IReadOnlyList<FeatureColumn> Features,
    IReadOnlyList<string>? ExpectedHeader = null,
    string? Metric = null)
{
    /// <summary>The label of an unlabeled problem (an anomaly model with no column marking known anomalies).</summary>
    public const string NoLabel = "";

    /// <summary>Whether a CSV column holds labels (always, except for an unlabeled anomaly model).</summary>
    public bool HasLabel => Label.Length > 0;
}
