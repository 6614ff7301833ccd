using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.ML;
using NetworkBuster.Training.Contracts;
using NetworkBuster.Training.Datasets;
using NetworkBuster.Training.Presets;
using NetworkBuster.Training.Metrics;
using NetworkBuster.Training.Registry;
using NetworkBuster.Training.Runs;
using NetworkBuster.Training.Storage;
using NetworkBuster.Training.Telemetry;
using NetworkBuster.Training.Training;

namespace NetworkBuster.Training.Steps;

/// <summary>
/// The train step: runs the job's search on the validation split when it asked for one, then fits the chosen
/// configuration on train + validation (the test split stays unseen) and stages the model zip.
/// </summary>
/// <param name="storage">The storage account.</param>
/// <param name="snapshots">The split snapshots.</param>
/// <param name="telemetry">Where the fit's own time is recorded.</param>
/// <param name="logger">Logger.</param>
public sealed class ModelTrainer(StorageClients storage, SnapshotStore snapshots, TrainingTelemetry telemetry, ILogger<ModelTrainer> logger)
{
    /// <summary>From this many train and validation rows, memory is returned to the OS between the earlier fits and the final one.</summary>
    public const long ReleaseBeforeFinalFitRows = 100_000;

    /// <summary>The staged model's blob name for a snapshot prefix.</summary>
    public static string StagedModelBlob(string prefix) => $"{prefix}/model.zip";

    /// <summary>Trains and stages the model.</summary>
    /// <exception cref="TrainingException">With TrainingFailed when ML.NET cannot fit the data.</exception>
    public async Task<TrainOutput> TrainAsync(TrainingJob job, IngestOutput ingest, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(ingest);
        var manifest = await snapshots.GetManifestAsync(ingest.SnapshotPrefix, cancellationToken);
        var options = PresetCatalog.OptionsOf(job.Model);
        var trainer = TrainerCatalog.Validate(manifest.Schema.Task, job.Trainer, job.Hyperparameters, options);
        var folder = snapshots.LocalFolder(job.JobId);
        try
        {
            var train = await snapshots.OpenAsync(ingest.SnapshotPrefix, manifest, SplitName.Train, folder, cancellationToken);
            var validation = await snapshots.OpenAsync(ingest.SnapshotPrefix, manifest, SplitName.Validation, folder, cancellationToken);
            var all = Concatenate(folder, manifest, train, validation);
            var ml = ModelContext.Create(job.Split.Seed);
            var watch = Stopwatch.StartNew();
            ITransformer model;
            IReadOnlyDictionary<string, double> hyperparameters;
            SearchResult? search = null;
            Dictionary<string, double>? crossValidation = null;
            (double Value, string Source)? threshold = null;
            StoppedRounds? stopped = null;
            IReadOnlyList<double>? epochs = null;
            try
            {
                if (manifest.Schema.Task == ModelTask.Recommendation)
                {
                    (model, hyperparameters, crossValidation, epochs) = RecommenderTrainer.Train(
                        ml, manifest.Schema, train.Path, validation.Path, train, TrainerFactory.Effective(trainer, job.Hyperparameters), job.Split.Seed, job.Split.Kind == SplitSpec.KFold ? job.Split.Folds : null);
                }
                else if (manifest.Schema.Task == ModelTask.Anomaly)
                {
                    var fit = AnomalyTrainer.Fit(ml, manifest.Schema, train, validation, all, job.Hyperparameters);
                    (model, hyperparameters, threshold) = (fit.Model, fit.Hyperparameters, (fit.Threshold, fit.ThresholdSource));
                    logger.LogInformation("Anomaly threshold for {JobId}: {Threshold} ({Source})", job.JobId, fit.Threshold, fit.ThresholdSource);
                }
                else
                {
                    long fitRows = ingest.TrainRows + ingest.ValidationRows;
                    if (trainer == TrainerCatalog.Auto)
                    {
                        search = AutoTrainer.Run(ml, manifest.Schema, train, validation, all, ModelEvaluator.PrimaryMetricOf(job, manifest.Schema.Task), job.Split.Seed, AutoTrainer.DefaultBudget, job.Hyperparameters);
                        (trainer, hyperparameters) = (search.Trainer, search.Hyperparameters);
                        logger.LogInformation("Auto for {JobId} chose {Trainer} by {Metric} on the {Protocol} after {Trials} trials", job.JobId, trainer.Name, search.Metric, search.Protocol, search.Trials.Count);
                    }
                    else if (job.Search is not null)
                    {
                        if (ingest.ValidationRows == 0)
                        {
                            throw new TrainingException(ErrorCode.InsufficientData, "Expected validation rows to search hyperparameters on, but the validation split is empty (set split.validation above 0).");
                        }

                        search = HyperparameterSearch.Run(ml, manifest.Schema, train, validation, job, trainer, ModelEvaluator.PrimaryMetricOf(job, manifest.Schema.Task));
                        (trainer, hyperparameters) = (search.Trainer, search.Hyperparameters);
                        logger.LogInformation("Search for {JobId} chose {Trainer} after {Trials} trials", job.JobId, trainer.Name, search.Trials.Count);
                    }
                    else
                    {
                        hyperparameters = TrainerFactory.Effective(trainer, PresetCatalog.Find(job.Model)?.WithDefaults(trainer, job.Hyperparameters) ?? job.Hyperparameters, rows: fitRows);
                        stopped = StopEarly(ml, job, manifest.Schema, ingest.ValidationRows, trainer, hyperparameters, train, validation);
                        if (stopped is not null)
                        {
                            hyperparameters = new Dictionary<string, double>(hyperparameters) { ["numberOfTrees"] = stopped.Rounds };
                            logger.LogInformation("Early stopping for {JobId}: {Rounds} of at most {Cap} rounds ({Metric} on validation)", job.JobId, stopped.Rounds, stopped.Cap, stopped.Metric);
                        }
                    }

                    if (job.Split.Kind == SplitSpec.KFold)
                    {
                        crossValidation = CrossValidation.Run(ml, manifest.Schema, all, trainer, hyperparameters, job.Split.Folds, job.Split.Seed);
                        logger.LogInformation("Cross-validated {JobId} over {Folds} folds", job.JobId, job.Split.Folds);
                    }

                    if (manifest.Schema.Task == ModelTask.Binary)
                    {
                        threshold = ChooseThreshold(ml, job, manifest.Schema, train, validation, ingest.ValidationRows, trainer, hyperparameters);
                    }

                    if (fitRows >= ReleaseBeforeFinalFitRows && (stopped is not null || search is not null || crossValidation is not null || threshold is not null))
                    {
                        // The earlier fits' datasets (binned features, per-row scores and gradients) are garbage now; return
                        // them to the OS before the final fit allocates its own, so the two never add up in the peak.
                        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
                    }

                    model = TrainerFactory.Build(ml, manifest.Schema, trainer, hyperparameters).Fit(all);
                }
            }
            catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or FormatException)
            {
                // ML.NET's own text names its internals (columns, slots, buffers): it goes to the log, not the run row.
                logger.LogError(ex, "Trainer {Trainer} could not fit {Model} ({JobId})", trainer.Name, job.Model, job.JobId);
                throw new TrainingException(ErrorCode.TrainingFailed, $"Expected trainer '{trainer.Name}' to fit the {ingest.TrainRows + ingest.ValidationRows} train and validation rows of '{job.Dataset}', but ML.NET refused them ({ex.GetType().Name}); the host log has its message under job '{job.JobId}'. Another trainer, or fewer or cleaner columns, may fit.", ex);
            }

            watch.Stop();
            telemetry.PhaseFinished(RunStep.Train, "fit", job.Model, watch.Elapsed.TotalSeconds);
            await using var zip = new MemoryStream();
            ModelContext.Save(ml, model, train.Schema, zip);
            if (manifest.Schema.Task == ModelTask.Recommendation)
            {
                RecommenderModel.AppendCatalog(zip, RecommenderTrainer.Read(train.Path, manifest.Schema).Concat(RecommenderTrainer.Read(validation.Path, manifest.Schema)).Select(r => r.Item));
            }

            var (sha, bytes) = await ModelStore.UploadAsync(storage.Staging.GetBlobClient(StagedModelBlob(ingest.SnapshotPrefix)), zip, cancellationToken);
            logger.LogInformation("Trained {Model} with {Trainer} on {Rows} rows in {Seconds:F1}s", job.Model, trainer.Name, ingest.TrainRows + ingest.ValidationRows, watch.Elapsed.TotalSeconds);
            var recorded = new Dictionary<string, double>(hyperparameters);
            if (stopped is not null)
            {
                recorded[EarlyStopping.PatienceName] = stopped.Patience;
                recorded["maximumNumberOfTrees"] = stopped.Cap;
            }
            foreach (var (name, value) in TrainerFactory.Effective(trainer, job.Hyperparameters, options).Where(h => options.Any(o => o.Name == h.Key)))
            {
                recorded[name] = value;
            }

            return new TrainOutput(
                StagedModelBlob(ingest.SnapshotPrefix),
                sha,
                bytes,
                Math.Round(watch.Elapsed.TotalSeconds, 3),
                TrainerFactory.ToJson(recorded),
                trainer.Name,
                search is null ? null : JsonSerializer.Serialize(search.Trials.Select(t => new { t.Trial, t.Trainer, t.Hyperparameters, Value = double.IsFinite(t.Value) ? Math.Round(t.Value, 6) : (double?)null, t.Seconds, search.Metric, search.Protocol })))
            {
                CrossValidation = crossValidation,
                DecisionThreshold = threshold?.Value,
                ThresholdSource = threshold?.Source,
                Curve = stopped is { Curve.Count: > 0 } ? TrainingCurve.From(stopped.Metric, stopped.Curve, stopped.Rounds)
                    : epochs is { Count: > 0 } ? TrainingCurve.From("RMSE", epochs, epochs.Count) with { Unit = TrainingCurve.Epoch }
                    : null,
            };
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>
    /// Early stopping for boosted trees (<see cref="EarlyStopping"/>) when the split has enough validation rows: the
    /// job's <c>numberOfTrees</c> (or <see cref="EarlyStopping.DefaultCap"/>) is the upper bound; null when it does not apply.
    /// </summary>
    private static StoppedRounds? StopEarly(
        MLContext ml, TrainingJob job, SnapshotSchema schema, long validationRows, TrainerDefinition trainer, IReadOnlyDictionary<string, double> hyperparameters, RowFileDataView train, RowFileDataView validation)
    {
        int patience = hyperparameters.TryGetValue(EarlyStopping.PatienceName, out double p) ? (int)p : EarlyStopping.DefaultPatience;
        if (patience == 0 || job.Split.Kind == SplitSpec.KFold || validationRows < EarlyStopping.MinValidationRows || !EarlyStopping.Applies(trainer, schema.Task))
        {
            return null;
        }

        int cap = job.Hyperparameters.TryGetValue("numberOfTrees", out double n) ? (int)n : EarlyStopping.DefaultCap;
        return EarlyStopping.Run(ml, schema, trainer, hyperparameters, cap, patience, ModelEvaluator.PrimaryMetricOf(job, schema.Task), train, validation);
    }

    /// <summary>
    /// The decision threshold, chosen on the validation split by a fit on the train split alone (the final model has
    /// seen the validation rows, so its own scores there would flatter it). A fixed policy needs no fit; kfold has no
    /// validation split and keeps 0.5; a model without probabilities gets none.
    /// </summary>
    private static (double Value, string Source)? ChooseThreshold(
        MLContext ml, TrainingJob job, SnapshotSchema schema, RowFileDataView train, RowFileDataView validation, long validationRows, TrainerDefinition trainer, IReadOnlyDictionary<string, double> hyperparameters)
    {
        var policy = ThresholdPolicy.TryParse(job.Threshold) ?? ThresholdPolicy.Default;
        if (policy.Kind == ThresholdKind.Fixed)
        {
            return (policy.Value, $"fixed {policy}");
        }

        if (job.Split.Kind == SplitSpec.KFold || validationRows == 0)
        {
            return (0.5, $"0.5 ({policy} needs a validation split)");
        }

        var scored = ThresholdPolicy.Read(TrainerFactory.Build(ml, schema, trainer, hyperparameters).Fit(train).Transform(validation));
        return scored is null ? null : (Math.Round(policy.Choose(scored), 6), $"{policy} on {validationRows.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)} validation rows");
    }

    // Snapshot files are plain row streams, so train followed by validation is one valid file.
    private static RowFileDataView Concatenate(string folder, SnapshotManifest manifest, RowFileDataView train, RowFileDataView validation)
    {
        var path = Path.Combine(folder, "fit.rows");
        using (var output = File.Create(path))
        {
            foreach (var part in new[] { train.Path, validation.Path })
            {
                using var input = File.OpenRead(part);
                input.CopyTo(output);
            }
        }

        return new RowFileDataView(path, manifest.Schema, manifest.Rows[SplitName.Train] + manifest.Rows[SplitName.Validation]);
    }
}
