
namespace NetworkBuster.Training.Cli.Commands;

/// <summary>A job the quality command queues.</summary>
/// <param name="JobId">Its id.</param>
/// <param name="Model">Its model name.</param>
/// <param name="Message">The queue message.</param>
internal sealed record QualityJob(string JobId, string Model, object Message);

/// <summary>The real datasets' jobs: custom specs over the files as published, with the papers' protocols, and the defaults (trainer <c>auto</c>, no hyperparameters).</summary>
internal static class QualityJobs
{
    public const string TelcoFile = "telco-customer-churn.csv";
    public const string AppliancesTrainFile = "appliances-energy-train.csv";
    public const string AppliancesTestFile = "appliances-energy-test.csv";
    public const string TelcoBlob = "quality/telco-customer-churn.csv";
    public const string AppliancesTrainBlob = "quality/appliances-energy-train.csv";
    public const string AppliancesTestBlob = "quality/appliances-energy-test.csv";
    public const string RatingsBlob = "quality/movielens-100k-shaped.csv";

    /// <summary>Telco: binary, label Churn, every other column inferred (customerID is dropped as an identifier); 80/20 split.</summary>
    /// <param name="jobId">The job id.</param>
    /// <param name="seed">The split's seed.</param>
    /// <param name="overrides">Experiment overrides: JSON with "trainer" and "hyperparameters" (development only; NBTRAIN_QUALITY_TELCO / NBTRAIN_QUALITY_APPLIANCES).</param>
    public static QualityJob Telco(string jobId, int seed, string? overrides = null)
    {
        var (trainer, hyperparameters) = Overrides(overrides);
        return Telco(jobId, seed, trainer, hyperparameters);
    }

    private static QualityJob Telco(string jobId, int seed, string trainer, Dictionary<string, double> hyperparameters) => new(jobId, "telco-churn", new
    {
        jobId,
        model = "telco-churn",
        dataset = TelcoBlob,
        trainer,
        hyperparameters,
        promotion = "never",
        spec = new { task = "binary", label = "Churn", split = new { kind = "random", test = 0.2, validation = 0.1, seed } },
    });

    /// <summary>Appliances: regression on all sensors plus the date's calendar parts; train on the train file, score the test file once.</summary>
    /// <param name="jobId">The job id.</param>
    /// <param name="overrides">Experiment overrides: JSON with "trainer" and "hyperparameters" (development only; NBTRAIN_QUALITY_TELCO / NBTRAIN_QUALITY_APPLIANCES).</param>
    public static QualityJob Appliances(string jobId, string? overrides = null)
    {
        var (trainer, hyperparameters) = Overrides(overrides);
        return Appliances(jobId, trainer, hyperparameters);
    }

    private static QualityJob Appliances(string jobId, string trainer, Dictionary<string, double> hyperparameters) => new(jobId, "appliances-energy", new
    {
        jobId,
        model = "appliances-energy",
        dataset = AppliancesTrainBlob,
        trainer,
        hyperparameters,
        promotion = "never",
        spec = new { task = "regression", label = "Appliances", split = new { kind = "files", test = AppliancesTestBlob, validation = 0.1 } },
    });

    /// <summary>
    /// The recommender on MovieLens-100k-shaped ratings: a custom recommendation spec with Surprise's protocol (random
    /// K-fold over the ratings) and the <c>mf</c> trainer's defaults, no hand-picked hyperparameters.
    /// </summary>
    /// <param name="jobId">The job id.</param>
    /// <param name="folds">The folds.</param>
    public static QualityJob Recommender(string jobId, int folds) => new(jobId, "movielens-shaped", new
    {
        jobId,
        model = "movielens-shaped",
        dataset = RatingsBlob,
        promotion = "never",
        spec = new { task = "recommendation", label = "rating", split = new { kind = "kfold", folds } },
    });

    // Defaults only: "auto" with no hyperparameters, unless a developer's experiment overrides them.
    private static (string Trainer, Dictionary<string, double> Hyperparameters) Overrides(string? overrides)
    {
        using var o = System.Text.Json.JsonDocument.Parse(overrides ?? "{}");
        var trainer = o.RootElement.TryGetProperty("trainer", out var t) ? t.GetString() ?? "auto" : "auto";
        var hyperparameters = o.RootElement.TryGetProperty("hyperparameters", out var h)
            ? System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, double>>(h.GetRawText())!
            : [];
        return (trainer, hyperparameters);
    }
}
