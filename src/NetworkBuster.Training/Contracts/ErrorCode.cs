
namespace NetworkBuster.Training.Contracts;

/// <summary>The error codes of the public contract: what a user can act on when a run fails.</summary>
public enum ErrorCode
{
    /// <summary>The queue message is not a valid job (bad JSON, wrong shape, a rule broken).</summary>
    InvalidMessage,

    /// <summary>The model is neither a preset nor a custom model with a <c>spec</c>.</summary>
    UnknownModel,

    /// <summary>A trainer or hyperparameter name is unknown, or its value is out of range.</summary>
    InvalidHyperparameter,

    /// <summary>The dataset blob does not exist in <c>ai-training-datasets</c>.</summary>
    DatasetNotFound,

    /// <summary>The CSV header is not the one the model expects.</summary>
    SchemaMismatch,

    /// <summary>More rows than allowed could not be read.</summary>
    BadRows,

    /// <summary>Too few usable rows (or too few of a class) to train and evaluate honestly.</summary>
    InsufficientData,

    /// <summary>ML.NET failed to fit or score the model.</summary>
    TrainingFailed,

    /// <summary>The job ran past its <c>timeoutMinutes</c>.</summary>
    Timeout,

    /// <summary>Storage could not be reached after retries.</summary>
    StorageUnavailable,
}
