
namespace NetworkBuster.Training.Storage;

/// <summary>The storage names of the public contract, plus the pipeline's own additions.</summary>
public static class StorageNames
{
    /// <summary>The queue that starts training jobs.</summary>
    public const string JobsQueue = "ai-training-jobs";

    /// <summary>Where messages go after failing <see cref="MaxDequeueCount"/> times.</summary>
    public const string PoisonQueue = "ai-training-jobs-poison";

    /// <summary>CSV datasets uploaded by users.</summary>
    public const string DatasetsContainer = "ai-training-datasets";

    /// <summary>Registered models: <c>{model}/v{version}/model.zip</c> and <c>metadata.json</c>.</summary>
    public const string ModelsContainer = "ml-models";

    /// <summary>Per-job working files (split snapshots, the unregistered model); an addition to the contract.</summary>
    public const string StagingContainer = "training-staging";

    /// <summary>One row per model version.</summary>
    public const string RegistryTable = "ModelRegistry";

    /// <summary>Append-only history of which version was current when, and who changed it; an addition to the contract.</summary>
    public const string HistoryTable = "ModelHistory";

    /// <summary>One row per job.</summary>
    public const string RunsTable = "TrainingRuns";

    /// <summary>The connection setting, read as Azure Functions reads it.</summary>
    public const string ConnectionSetting = "AzureWebJobsStorage";

    /// <summary>How many dequeues a message gets before it is poison.</summary>
    public const int MaxDequeueCount = 3;
}
