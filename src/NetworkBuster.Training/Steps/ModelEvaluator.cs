using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.ML;
using NetworkBuster.Training.Contracts;
using NetworkBuster.Training.Datasets;
using NetworkBuster.Training.Evaluation;
using NetworkBuster.Training.Metrics;
using NetworkBuster.Training.Presets;
using NetworkBuster.Training.Registry;
using NetworkBuster.Training.Runs;
using NetworkBuster.Training.Storage;
using NetworkBuster.Training.Telemetry;
using NetworkBuster.Training.Training;

namespace NetworkBuster.Training.Steps;

/// <summary>
/// The evaluate step: scores the candidate on the held-out test split, scores the current version on the
/// same rows, and asks the promotion gate. Only what the decision and the version row need happens here (metrics,
/// trivial baselines, a recommender's ranking); importance, curves and reports are <see cref="ModelExplainer"/>'s.
/// </summary>
/// <param name="storage">The storage account.</param>
/// <param name="snapshots">The split snapshots.</param>
/// <param name="registry">The model registry.</param>
/// <param name="models">The model store (hash-verified loads).</param>
/// <param name="gate">Gate settings.</param>
/// <param name="telemetry">Where the time of the baselines and of scoring the current version is recorded.</param>
/// <param name="logger">Logger.</param>
public sealed class ModelEvaluator(StorageClients storage, SnapshotStore snapshots, ModelRegistry registry, ModelStore models, GateOptions gate, TrainingTelemetry telemetry, ILogger<ModelEvaluator> logger)
{
    /// <summary>The primary metric of a job's model.</summary>
    public static MetricDefinition PrimaryMetricOf(TrainingJob job, ModelTask task)
    {
        ArgumentNullException.ThrowIfNull(job);
        var metrics = MetricCatalog.ForTask(task);
        return metrics.FirstOrDefault(m => m.Name == job.Metric) ?? PresetCatalog.Find(job.Model)?.PrimaryMetric ?? metrics[0];
    }

    /// <summary>Evaluates a staged candidate.</summary>
    public async Task<EvaluateOutput> EvaluateAsync(TrainingJob job, IngestOutput ingest, TrainOutput trained, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(ingest);
        ArgumentNullException.ThrowIfNull(trained);
        var manifest = await snapshots.GetManifestAsync(ingest.SnapshotPrefix, cancellationToken);
        var folder = snapshots.LocalFolder(job.JobId);
        try
        {
            var test = await snapshots.OpenAsync(ingest.SnapshotPrefix, manifest, SplitName.Test, folder, cancellationToken);
            var train = await snapshots.OpenAsync(ingest.SnapshotPrefix, manifest, SplitName.Train, folder, cancellationToken);
            var validation = await snapshots.OpenAsync(ingest.SnapshotPrefix, manifest, SplitName.Validation, folder, cancellationToken);
            var ml = ModelContext.Create(job.Split.Seed);
            ITransformer candidate;
            await using (var zip = await ModelStore.DownloadVerifiedAsync(storage.Staging.GetBlobClient(trained.ModelBlob), trained.ModelSha256, cancellationToken))
            {
                candidate = ModelContext.Load(ml, zip, out _);
            }

            var task = manifest.Schema.Task;

            // A kfold split has no test rows: its metrics are the folds', and baselines use all rows.
            var crossValidated = trained.CrossValidation;
            var holdout = crossValidated is null ? test : train;
            var metrics = crossValidated is null ? MetricsCalculator.Compute(ml, task, candidate.Transform(test)) : new Dictionary<string, double>(crossValidated);
            if (crossValidated is null && trained.DecisionThreshold is { } threshold && ThresholdPolicy.Read(candidate.Transform(test)) is { } scored)
            {
                ThresholdPolicy.ApplyTo(metrics, scored, threshold);
            }

            // An anomaly model is judged at its stored threshold too; without known anomalies only the flagged share is measurable.
            var anomalies = task == ModelTask.Anomaly ? AnomalyMetrics.Read(candidate.Transform(test)) : null;
            if (anomalies is not null && trained.DecisionThreshold is { } cut)
            {
                foreach (var (name, v) in AnomalyMetrics.At(anomalies, cut))
                {
                    metrics[name] = v;
                }
            }

            bool unlabeled = task == ModelTask.Anomaly && !manifest.Schema.HasLabel;
            var primary = unlabeled ? MetricCatalog.AnomalyRate : PrimaryMetricOf(job, task);
            if (!metrics.TryGetValue(primary.Name, out double value))
            {
                throw new TrainingException(ErrorCode.TrainingFailed, $"The test split of '{job.Dataset}' does not define {primary.Name} (e.g. only one class in {ingest.TestRows} test rows).");
            }

            long phase = Stopwatch.GetTimestamp();
            var insights = BaselinesAndRanking(ml, manifest, candidate, primary, metrics, crossValidated is null ? train : null, validation, holdout);
            telemetry.PhaseFinished(RunStep.Evaluate, "trivial-baselines", job.Model, Stopwatch.GetElapsedTime(phase).TotalSeconds);
            phase = Stopwatch.GetTimestamp();
            var current = await registry.GetCurrentAsync(job.Model, cancellationToken);
            double? baseline = current is null || current.JobId == job.JobId || unlabeled ? null
                : crossValidated is not null && current.DatasetSha256 == ingest.DatasetSha256 ? current.PrimaryMetricValue
                : await ScoreBaselineAsync(ml, task, primary, current, holdout, cancellationToken);
            telemetry.PhaseFinished(RunStep.Evaluate, "baseline", job.Model, Stopwatch.GetElapsedTime(phase).TotalSeconds);
            var (margin, minimums) = gate.For(job.Model, task);
            var decision = unlabeled
                ? PromotionGate.DecideUnlabeled(job.Promotion)
                : PromotionGate.Decide(job.Promotion, primary, metrics, baseline, margin, minimums);
            logger.LogInformation("Evaluated {Model} for {JobId}: {PrimaryMetric}={Value} baseline={Baseline}; {Decision}", job.Model, job.JobId, primary.Name, value, baseline, decision.Reason);
            return new EvaluateOutput(metrics, primary.Name, value, baseline is null ? null : current!.Version, baseline, decision.Promote, decision.Reason, insights.ToJson());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    // train is null when the held-out rows are the training rows themselves (kfold): baselines are then fitted on them.
    // What the decision and the version row need beside the metrics: the trivial predictors' metrics on the same rows
    // and, for a recommender, the ranking metrics. Importance, curves and the preset's report are explain's.
    private static ModelInsights BaselinesAndRanking(
        MLContext ml, SnapshotManifest manifest, ITransformer candidate, MetricDefinition primary, Dictionary<string, double> metrics,
        RowFileDataView? train, RowFileDataView validation, RowFileDataView test)
    {
        var schema = manifest.Schema;
        var fitted = (train is null ? RowArrays.Labels(test.Path, schema) : RowArrays.Labels(train.Path, schema)).Concat(RowArrays.Labels(validation.Path, schema)).ToList();
        var baselines = Baselines.Compute(schema.Task, fitted, [.. RowArrays.Labels(test.Path, schema)]);
        if (schema.Task == ModelTask.Recommendation)
        {
            // kfold (no train split): the folds ranked their held-out rows, and the cross-validated metrics hold the
            // figures and their baselines (the fitted rows themselves cannot be ranked); the baselines are listed as such.
            foreach (var (name, v) in metrics.Where(m => train is null && RecommenderCrossValidation.IsBaseline(m.Key)))
            {
                baselines[name] = v;
            }

            if (train is not null)
            {
                var known = RecommenderTrainer.Load(RecommenderTrainer.Read(train.Path, schema).Concat(RecommenderTrainer.Read(validation.Path, schema)));
                var (ranking, rankingBaselines) = RecommenderEvaluation.Compute(ml, candidate, known, [.. RecommenderTrainer.Read(test.Path, schema)]);
                foreach (var (name, v) in ranking)
                {
                    metrics[name] = v;
                }

                foreach (var (name, v) in rankingBaselines)
                {
                    baselines[name] = v;
                }
            }
        }

        return new ModelInsights(primary.Name, [], baselines, null, manifest.Notes);
    }

    private async Task<double?> ScoreBaselineAsync(MLContext ml, ModelTask task, MetricDefinition primary, ModelVersionRow current, IDataView test, CancellationToken cancellationToken)
    {
        var model = await models.LoadAsync(ml, current, cancellationToken);
        try
        {
            var scored = model.Transform(test);
            var metrics = MetricsCalculator.Compute(ml, task, scored);

            // The current version is judged at its own threshold, as the candidate is at its.
            if (current.DecisionThreshold is { } threshold && ThresholdPolicy.Read(scored) is { } rows)
            {
                ThresholdPolicy.ApplyTo(metrics, rows, threshold);
            }

            return metrics.TryGetValue(primary.Name, out double v) ? v : null;
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            // The current version was trained on another schema; it cannot be compared on these rows.
            logger.LogWarning(ex, "Current version {Model}:{Version} cannot score this test split", current.Model, current.Version);
            return null;
        }
    }
}
