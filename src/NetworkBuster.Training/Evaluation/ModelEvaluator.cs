using Microsoft.Extensions.Logging;
using Microsoft.ML;
using NetworkBuster.Training.Datasets;
using NetworkBuster.Training.Jobs;
using NetworkBuster.Training.Presets;
using NetworkBuster.Training.Registry;
using NetworkBuster.Training.Storage;
using NetworkBuster.Training.Training;
using NetworkBuster.Training.Workflow;

namespace NetworkBuster.Training.Evaluation;

/// <summary>
/// The evaluate step: scores the candidate on the held-out test split, scores the current version on the
/// same rows, and asks the promotion gate.
/// </summary>
/// <param name="storage">The storage account.</param>
/// <param name="snapshots">The split snapshots.</param>
/// <param name="registry">The model registry.</param>
/// <param name="models">The model store (hash-verified loads).</param>
/// <param name="gate">Gate settings.</param>
/// <param name="logger">Logger.</param>
public sealed class ModelEvaluator(StorageClients storage, SnapshotStore snapshots, ModelRegistry registry, ModelStore models, GateOptions gate, ILogger<ModelEvaluator> logger)
{
    /// <summary>The primary metric of a job's model.</summary>
    public static MetricDefinition PrimaryMetricOf(TrainingJob job, ModelTask task) =>
        PresetCatalog.Find(job?.Model ?? "")?.PrimaryMetric ?? MetricsCalculator.DefaultPrimary(task);

    /// <summary>Evaluates a staged candidate.</summary>
    public async Task<EvaluateOutput> EvaluateAsync(TrainingJob job, IngestOutput ingest, TrainOutput train, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(ingest);
        ArgumentNullException.ThrowIfNull(train);
        var manifest = await snapshots.GetManifestAsync(ingest.SnapshotPrefix, cancellationToken);
        var folder = snapshots.LocalFolder(job.JobId);
        try
        {
            var test = await snapshots.OpenAsync(ingest.SnapshotPrefix, manifest, SplitName.Test, folder, cancellationToken);
            var ml = new MLContext(seed: job.Split.Seed);
            ITransformer candidate;
            await using (var zip = await ModelStore.DownloadVerifiedAsync(storage.Staging.GetBlobClient(train.ModelBlob), train.ModelSha256, cancellationToken))
            {
                candidate = ml.Model.Load(zip, out _);
            }

            var task = manifest.Schema.Task;
            var metrics = MetricsCalculator.Compute(ml, task, candidate.Transform(test));
            var primary = PrimaryMetricOf(job, task);
            if (!metrics.TryGetValue(primary.Name, out double value))
            {
                throw new TrainingException(ErrorCode.TrainingFailed, $"The test split of '{job.Dataset}' does not define {primary.Name} (e.g. only one class in {ingest.TestRows} test rows).");
            }

            var current = await registry.GetCurrentAsync(job.Model, cancellationToken);
            double? baseline = current is null || current.JobId == job.JobId ? null : await ScoreBaselineAsync(ml, task, primary, current, test, cancellationToken);
            var (margin, minimums) = gate.For(job.Model, task);
            var decision = PromotionGate.Decide(job.Promotion, primary, metrics, baseline, margin, minimums);
            logger.LogInformation("Evaluated {Model} for {JobId}: {PrimaryMetric}={Value} baseline={Baseline}; {Decision}", job.Model, job.JobId, primary.Name, value, baseline, decision.Reason);
            return new EvaluateOutput(metrics, primary.Name, value, baseline is null ? null : current!.Version, baseline, decision.Promote, decision.Reason);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private async Task<double?> ScoreBaselineAsync(MLContext ml, ModelTask task, MetricDefinition primary, ModelVersionRow current, IDataView test, CancellationToken cancellationToken)
    {
        var model = await models.LoadAsync(ml, current, cancellationToken);
        try
        {
            return MetricsCalculator.Compute(ml, task, model.Transform(test)).TryGetValue(primary.Name, out double v) ? v : null;
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            // The current version was trained on another schema; it cannot be compared on these rows.
            logger.LogWarning(ex, "Current version {Model}:{Version} cannot score this test split", current.Model, current.Version);
            return null;
        }
    }
}
