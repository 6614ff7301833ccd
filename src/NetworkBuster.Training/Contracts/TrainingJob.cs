using System.Text.Json;

namespace NetworkBuster.Training.Contracts;

/// <summary>A validated training job: the contract's queue message after every rule has been checked.</summary>
/// <param name="JobId">The idempotency key.</param>
/// <param name="Model">A preset name or a custom model name.</param>
/// <param name="Dataset">A blob name inside <c>ai-training-datasets</c>.</param>
/// <param name="Trainer">The trainer name (the preset's default when the message named none).</param>
/// <param name="Hyperparameters">Validated hyperparameter overrides, by canonical name.</param>
/// <param name="Priority">The job's priority.</param>
/// <param name="TimeoutMinutes">How long the whole job may take.</param>
/// <param name="Promotion">How the promotion gate applies.</param>
/// <param name="Spec">The custom model description, when the model is not a preset.</param>
/// <param name="Split">How rows are split into train, validation and test.</param>
/// <param name="Search">An optional bounded hyperparameter search.</param>
public sealed record TrainingJob(
    string JobId,
    string Model,
    string Dataset,
    string Trainer,
    IReadOnlyDictionary<string, double> Hyperparameters,
    JobPriority Priority,
    int TimeoutMinutes,
    PromotionPolicy Promotion,
    JsonElement? Spec,
    SplitSpec Split,
    SearchSpec? Search = null)
{
    /// <summary>
    /// How a binary model picks its decision threshold on the validation split (<c>f1</c>, <c>youden</c>, a
    /// probability, <c>precision&gt;=0.8</c>, <c>recall&gt;=0.8</c>); null takes the default, maximum F1.
    /// </summary>
    public string? Threshold { get; init; }

    /// <summary>
    /// The primary metric the user chose (<c>metric</c> on the message, or <c>spec.metric</c>), validated against the
    /// task's metrics; null takes the preset's or the task's default.
    /// </summary>
    public string? Metric { get; init; }

    /// <summary>A URL that receives this job's events as CloudEvents (validated: https, or http to loopback; no credentials).</summary>
    public string? Notify { get; init; }
}

/// <summary>
/// The contract's job priorities. Recorded on the run row (<c>Priority</c>), not used to order work: one FIFO queue
/// feeds an engine without priorities (see docs/contract.md, decisions).
/// </summary>
public enum JobPriority
{
    /// <summary>The most urgent.</summary>
    Critical,

    /// <summary>More urgent than normal.</summary>
    High,

    /// <summary>The default.</summary>
    Normal,

    /// <summary>The least urgent.</summary>
    Low,
}

/// <summary>How a registered version becomes current.</summary>
public enum PromotionPolicy
{
    /// <summary>Become current only if the promotion gate passes.</summary>
    Auto,

    /// <summary>Become current whatever the gate says.</summary>
    Always,

    /// <summary>Register only; never become current.</summary>
    Never,
}

/// <summary>How the dataset is split for honest evaluation.</summary>
/// <param name="Kind">random, time, files or kfold.</param>
/// <param name="Test">The share of rows held out for test (random and time splits).</param>
/// <param name="Validation">The share of rows held out for validation.</param>
/// <param name="Column">The timestamp column of a time split.</param>
/// <param name="TestBlob">The test file of a files split.</param>
/// <param name="Folds">The number of folds of a kfold split.</param>
/// <param name="Seed">The seed that makes random splits reproducible.</param>
public sealed record SplitSpec(
    string Kind = SplitSpec.Random,
    double Test = 0.2,
    double Validation = 0.1,
    string? Column = null,
    string? TestBlob = null,
    int Folds = 5,
    int Seed = 42)
{
    /// <summary>Rows are assigned to splits by a seeded hash of their position.</summary>
    public const string Random = "random";

    /// <summary>The newest rows are held out.</summary>
    public const string Time = "time";

    /// <summary>A given test file is scored once.</summary>
    public const string Files = "files";

    /// <summary>Cross-validated metrics, then a final fit on all rows.</summary>
    public const string KFold = "kfold";
}
