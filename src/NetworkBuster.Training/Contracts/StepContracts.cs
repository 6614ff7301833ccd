
namespace NetworkBuster.Training.Contracts;

/// <summary>What an activity returns: a value, or a permanent failure that must not be retried.</summary>
/// <typeparam name="T">The value's type.</typeparam>
/// <param name="Value">The value, when the step succeeded.</param>
/// <param name="Failure">The failure, when the step hit bad input or too little data.</param>
public sealed record StepResult<T>(T? Value, JobFailure? Failure)
    where T : class;

/// <summary>Creates <see cref="StepResult{T}"/> values.</summary>
public static class StepResult
{
    /// <summary>A success.</summary>
    public static StepResult<T> Ok<T>(T value)
        where T : class => new(value, null);

    /// <summary>A permanent failure.</summary>
    public static StepResult<T> Fail<T>(JobFailure failure)
        where T : class => new(null, failure);
}

/// <summary>The job's deadline, for the long steps to stop themselves when the orchestration has given up on them.</summary>
public interface IHasDeadline
{
    /// <summary>When the job times out (null: no deadline).</summary>
    DateTimeOffset? Deadline { get; }
}

/// <summary>The ingest step's input.</summary>
/// <param name="Job">The job.</param>
public sealed record IngestInput(TrainingJob Job) : IHasDeadline
{
    /// <inheritdoc />
    public DateTimeOffset? Deadline { get; init; }
}

/// <summary>What ingest produced: a reference to the split snapshots in staging, and the dataset's lineage.</summary>
/// <param name="SnapshotPrefix">The staging folder of the snapshots.</param>
/// <param name="TrainRows">Rows in the train split.</param>
/// <param name="ValidationRows">Rows in the validation split.</param>
/// <param name="TestRows">Rows in the test split.</param>
/// <param name="BadRows">Rows skipped as unreadable (within the allowed share).</param>
/// <param name="DatasetSha256">SHA-256 of the dataset blob's bytes, lowercase hex.</param>
/// <param name="DatasetETag">The dataset blob's ETag when read.</param>
/// <param name="DatasetBytes">The dataset blob's size.</param>
public sealed record IngestOutput(
    string SnapshotPrefix,
    long TrainRows,
    long ValidationRows,
    long TestRows,
    long BadRows,
    string DatasetSha256,
    string DatasetETag,
    long DatasetBytes)
{
    /// <summary>The new data against the current version's profile; null for a model's first version (or one without a profile).</summary>
    public DriftReport? Drift { get; init; }
}

/// <summary>The train step's input.</summary>
/// <param name="Job">The job.</param>
/// <param name="Ingest">The snapshots to train on.</param>
public sealed record TrainInput(TrainingJob Job, IngestOutput Ingest) : IHasDeadline
{
    /// <inheritdoc />
    public DateTimeOffset? Deadline { get; init; }
}

/// <summary>What train produced: the unregistered model in staging.</summary>
/// <param name="ModelBlob">The staged model zip.</param>
/// <param name="ModelSha256">Its SHA-256, lowercase hex.</param>
/// <param name="ModelBytes">Its size.</param>
/// <param name="TrainingSeconds">Wall time of the fit.</param>
/// <param name="HyperparametersJson">The hyperparameters used, defaults included, as JSON.</param>
/// <param name="Trainer">The trainer used (the search's choice when the job searched), or null for the job's.</param>
/// <param name="SearchJson">The search's trials as JSON, when the job searched.</param>
public sealed record TrainOutput(string ModelBlob, string ModelSha256, long ModelBytes, double TrainingSeconds, string HyperparametersJson, string? Trainer = null, string? SearchJson = null)
{
    /// <summary>For a kfold split: every metric's mean over the folds, and its standard deviation as <c>{metric}.sd</c>.</summary>
    public IReadOnlyDictionary<string, double>? CrossValidation { get; init; }

    /// <summary>For a binary model with probabilities: the probability at or above which it predicts positive; for an anomaly model: the score at or above which a row is flagged.</summary>
    public double? DecisionThreshold { get; init; }

    /// <summary>The policy that chose <see cref="DecisionThreshold"/>, and on what (e.g. <c>f1 on 1,200 validation rows</c>).</summary>
    public string? ThresholdSource { get; init; }

    /// <summary>The validation metric by boosting round when early stopping watched one, or by epoch for matrix factorization (thinned to a few hundred points).</summary>
    public TrainingCurve? Curve { get; init; }
}

/// <summary>A validation metric by boosting round (or epoch), and the round count kept.</summary>
/// <param name="Metric">The metric watched.</param>
/// <param name="Rounds">Round numbers (1-based), increasing.</param>
/// <param name="Values">The metric after each of <paramref name="Rounds"/>.</param>
/// <param name="Chosen">The rounds the final model kept.</param>
public sealed record TrainingCurve(string Metric, IReadOnlyList<int> Rounds, IReadOnlyList<double> Values, int Chosen)
{
    /// <summary>The most points kept.</summary>
    public const int MaxPoints = 300;

    /// <summary>The unit of a booster's curve.</summary>
    public const string BoostingRound = "boosting round";

    /// <summary>The unit of an epoch-trained model's curve (matrix factorization).</summary>
    public const string Epoch = "epoch";

    /// <summary>What one step of <see cref="Rounds"/> is: <see cref="BoostingRound"/> or <see cref="Epoch"/>.</summary>
    public string Unit { get; init; } = BoostingRound;

    /// <summary>A curve from the metric after every round (entry k: k + 1 rounds), thinned evenly to <see cref="MaxPoints"/>, always keeping the chosen round.</summary>
    public static TrainingCurve From(string metric, IReadOnlyList<double> everyRound, int chosen)
    {
        ArgumentNullException.ThrowIfNull(everyRound);
        int stride = Math.Max(1, (int)Math.Ceiling(everyRound.Count / (double)MaxPoints));
        // Non-finite values (e.g. AUC of a round that scores every row alike) are left out: JSON has no NaN.
        var rounds = Enumerable.Range(1, everyRound.Count)
            .Where(r => (r % stride == 0 || r == 1 || r == chosen || r == everyRound.Count) && double.IsFinite(everyRound[r - 1]))
            .ToArray();
        return new TrainingCurve(metric, rounds, [.. rounds.Select(r => Math.Round(everyRound[r - 1], 6))], chosen);
    }
}

/// <summary>The evaluate step's input.</summary>
/// <param name="Job">The job.</param>
/// <param name="Ingest">The snapshots (the test split is scored).</param>
/// <param name="Train">The candidate model.</param>
public sealed record EvaluateInput(TrainingJob Job, IngestOutput Ingest, TrainOutput Train) : IHasDeadline
{
    /// <inheritdoc />
    public DateTimeOffset? Deadline { get; init; }
}

/// <summary>What evaluate measured and decided.</summary>
/// <param name="Metrics">Every metric of the candidate on the test split.</param>
/// <param name="PrimaryMetric">The metric the gate compares.</param>
/// <param name="PrimaryMetricValue">The candidate's value of it.</param>
/// <param name="BaselineVersion">The current version it was compared with, if any.</param>
/// <param name="BaselineMetricValue">The current version's value on the same test split.</param>
/// <param name="Promote">Whether the candidate should become current.</param>
/// <param name="Decision">Why, for people.</param>
/// <param name="InsightsJson">Feature importance, baselines and preset reports as compact JSON (a few KB), or null.</param>
public sealed record EvaluateOutput(
    IReadOnlyDictionary<string, double> Metrics,
    string PrimaryMetric,
    double PrimaryMetricValue,
    int? BaselineVersion,
    double? BaselineMetricValue,
    bool Promote,
    string Decision,
    string? InsightsJson = null);

/// <summary>The register step's input.</summary>
/// <param name="Job">The job.</param>
/// <param name="InstanceId">The orchestration (or local run) instance id, for lineage.</param>
/// <param name="Ingest">Dataset lineage and row counts.</param>
/// <param name="Train">The staged model.</param>
/// <param name="Evaluation">Metrics and the gate's decision.</param>
public sealed record RegisterInput(TrainingJob Job, string InstanceId, IngestOutput Ingest, TrainOutput Train, EvaluateOutput Evaluation);

/// <summary>The registered version.</summary>
/// <param name="Version">The version number.</param>
/// <param name="IsCurrent">Whether it became current.</param>
/// <param name="Status">available or rejected.</param>
public sealed record RegisterOutput(int Version, bool IsCurrent, string Status);

/// <summary>
/// The explain step's input: a registered version and the staging it was trained and judged on. Explain prepares
/// what only people read (importance, curves, the preset's report, <c>report.html</c>, <c>profile.json</c>) after
/// the version is registered, and then empties staging.
/// </summary>
/// <param name="Job">The job.</param>
/// <param name="InstanceId">The orchestration instance id, for lineage in the report.</param>
/// <param name="Ingest">The snapshots (the test split is explained).</param>
/// <param name="Train">The trained model's record (curve, search, threshold).</param>
/// <param name="Evaluation">Metrics, baselines and the gate's decision.</param>
/// <param name="Registered">The version registered.</param>
public sealed record ExplainInput(TrainingJob Job, string InstanceId, IngestOutput Ingest, TrainOutput Train, EvaluateOutput Evaluation, RegisterOutput Registered) : IHasDeadline
{
    /// <inheritdoc />
    public DateTimeOffset? Deadline { get; init; }
}

/// <summary>What explain prepared.</summary>
/// <param name="Insights">The run row's <c>Insights</c> state it recorded: <c>ready</c> or <c>failed</c>.</param>
/// <param name="Report">The report's blob in <c>ml-models</c>, when it was written.</param>
public sealed record ExplainOutput(string Insights, string? Report);
