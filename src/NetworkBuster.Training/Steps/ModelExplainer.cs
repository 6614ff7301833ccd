using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.ML;
using NetworkBuster.Training.Contracts;
using NetworkBuster.Training.Datasets;
using NetworkBuster.Training.Drift;
using NetworkBuster.Training.Evaluation;
using NetworkBuster.Training.Metrics;
using NetworkBuster.Training.Presets;
using NetworkBuster.Training.Registry;
using NetworkBuster.Training.Reports;
using NetworkBuster.Training.Runs;
using NetworkBuster.Training.Storage;
using NetworkBuster.Training.Telemetry;
using NetworkBuster.Training.Training;

namespace NetworkBuster.Training.Steps;

/// <summary>
/// The explain step, after the version is registered: what only people read. It measures permutation importance,
/// draws the test split's curves and the preset's report, publishes <c>report.html</c> and <c>profile.json</c>,
/// adds importance and bottlenecks to the version's row and <c>metadata.json</c>, empties staging and records
/// <c>Insights</c> <c>ready</c> on the run row. Idempotent: a version whose report exists is explained already.
/// </summary>
/// <param name="storage">The storage account.</param>
/// <param name="snapshots">The staged snapshots (deleted at the end).</param>
/// <param name="registry">The registry table.</param>
/// <param name="models">The model store.</param>
/// <param name="runs">Run rows (the report's state).</param>
/// <param name="telemetry">Where the time of each part is recorded.</param>
/// <param name="logger">Logger.</param>
public sealed class ModelExplainer(StorageClients storage, SnapshotStore snapshots, ModelRegistry registry, ModelStore models, RunStore runs, TrainingTelemetry telemetry, ILogger<ModelExplainer> logger)
{
    /// <summary>Test rows sampled (evenly) for permutation importance and what-if reports.</summary>
    public const int MaxInsightRows = 2000;

    /// <summary>Prepares the registered version's report.</summary>
    public async Task<ExplainOutput> ExplainAsync(ExplainInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var (job, version) = (input.Job, input.Registered.Version);
        var report = models.ReportBlob(job.Model, version);
        if (!await report.ExistsAsync(cancellationToken))
        {
            var row = await registry.GetAsync(job.Model, version, cancellationToken)
                ?? throw new TrainingException(ErrorCode.TrainingFailed, $"Expected version {job.Model}:{version} in the registry to prepare its report, but its row is gone.");
            var manifest = await ManifestAsync(input, cancellationToken);
            long phase = Stopwatch.GetTimestamp();
            var insights = await InsightsAsync(input, manifest, cancellationToken);
            telemetry.PhaseFinished(RunStep.Explain, "insights", job.Model, Stopwatch.GetElapsedTime(phase).TotalSeconds);

            phase = Stopwatch.GetTimestamp();
            var explained = input.Evaluation with { InsightsJson = insights.ToJson() };
            var registered = new RegisterInput(job, input.InstanceId, input.Ingest, input.Train, explained);
            row.FeatureImportance = VersionMetadata.TopImportance(insights);
            row.Bottlenecks = VersionMetadata.Bottlenecks(insights);
            await registry.SetExplanationAsync(job.Model, version, row.FeatureImportance, row.Bottlenecks, cancellationToken);
            await models.MetadataBlob(job.Model, version).UploadAsync(BinaryData.FromObjectAsJson(VersionMetadata.Of(row, registered), PipelineJson.Options), overwrite: true, cancellationToken);
            await PublishProfileAsync(row, input, cancellationToken);

            // The report goes last: its presence says the version is explained (a retry after this point only tidies up).
            await UploadReportAsync(report, row, manifest.Schema.Task, registered, cancellationToken);
            telemetry.PhaseFinished(RunStep.Explain, "publish", job.Model, Stopwatch.GetElapsedTime(phase).TotalSeconds);
        }

        await snapshots.DeleteAsync(input.Ingest.SnapshotPrefix, cancellationToken);
        await runs.SetInsightsAsync(job.JobId, InsightsState.Ready, null, cancellationToken);
        logger.LogInformation("Explained {Model}:{Version} for {JobId}", job.Model, version, job.JobId);
        return new ExplainOutput(InsightsState.Ready, ModelVersionRow.ReportBlobOf(job.Model, version));
    }

    private async Task<SnapshotManifest> ManifestAsync(ExplainInput input, CancellationToken cancellationToken)
    {
        try
        {
            return await snapshots.GetManifestAsync(input.Ingest.SnapshotPrefix, cancellationToken);
        }
        catch (Azure.RequestFailedException ex) when (ex.Status == 404)
        {
            throw new TrainingException(ErrorCode.TrainingFailed, $"Expected the staged snapshot '{input.Ingest.SnapshotPrefix}' to explain {input.Job.Model}:{input.Registered.Version}, but staging no longer holds it; the version stands without its report.");
        }
    }

    private async Task<ModelInsights> InsightsAsync(ExplainInput input, SnapshotManifest manifest, CancellationToken cancellationToken)
    {
        var (job, trained) = (input.Job, input.Train);
        var decided = ModelInsights.FromJson(input.Evaluation.InsightsJson)
            ?? new ModelInsights(input.Evaluation.PrimaryMetric, [], new Dictionary<string, double>(), null, manifest.Notes);
        var schema = manifest.Schema;
        var folder = snapshots.LocalFolder(job.JobId);
        try
        {
            // A kfold split holds no test rows: its importance is measured on the rows the folds held out in turn.
            bool crossValidated = trained.CrossValidation is not null;
            string split = crossValidated ? SplitName.Train : SplitName.Test;
            var holdout = await snapshots.OpenAsync(input.Ingest.SnapshotPrefix, manifest, split, folder, cancellationToken);
            var ml = ModelContext.Create(job.Split.Seed);
            ITransformer candidate;
            await using (var zip = await ModelStore.DownloadVerifiedAsync(storage.Staging.GetBlobClient(trained.ModelBlob), trained.ModelSha256, cancellationToken))
            {
                candidate = ModelContext.Load(ml, zip, out _);
            }

            IReadOnlyList<FeatureImportance> importance = [];
            PerformanceReport? report = null;
            if (schema.Task != ModelTask.Recommendation)
            {
                var sample = RowArrays.Load(holdout.Path, schema, manifest.Rows[split], MaxInsightRows);
                var primary = MetricCatalog.ForTask(schema.Task).FirstOrDefault(m => m.Name == input.Evaluation.PrimaryMetric);

                // Without labels there is no metric a shuffled feature could degrade.
                importance = schema.HasLabel && primary is not null ? PermutationImportance.Compute(ml, candidate, sample, primary, job.Split.Seed) : [];
                report = PresetCatalog.Find(job.Model)?.Report?.Invoke(ml, candidate, sample, importance);
            }

            var curves = schema.Task == ModelTask.Anomaly ? CurveCalculator.Anomaly(AnomalyMetrics.Read(candidate.Transform(holdout)), trained.DecisionThreshold, schema.HasLabel)
                : crossValidated ? null
                : CurveCalculator.FromScored(candidate.Transform(holdout), trained.DecisionThreshold);
            return decided with { FeatureImportance = importance, PerformanceReport = report, Curves = curves };
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    // The train split's profile, staged by ingest, becomes the next jobs' drift reference.
    private async Task PublishProfileAsync(ModelVersionRow row, ExplainInput input, CancellationToken cancellationToken)
    {
        try
        {
            var staged = await storage.Staging.GetBlobClient(DatasetProfiler.StagedProfileBlob(input.Ingest.SnapshotPrefix)).DownloadContentAsync(cancellationToken);
            await storage.Models.GetBlobClient(ModelVersionRow.ProfileBlobOf(row.Model, row.Version)).UploadAsync(staged.Value.Content, overwrite: true, cancellationToken);
        }
        catch (Azure.RequestFailedException ex) when (ex.Status == 404)
        {
            logger.LogWarning("No staged profile for {JobId}; {Model}:{Version} has no profile.json", input.Job.JobId, row.Model, row.Version);
        }
    }

    private static async Task UploadReportAsync(Azure.Storage.Blobs.BlobClient blob, ModelVersionRow row, ModelTask task, RegisterInput input, CancellationToken cancellationToken)
    {
        string html;
        try
        {
            html = ReportHtml.Render(ModelReportBuilder.From(row, task, input));
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or JsonException or FormatException)
        {
            throw new TrainingException(ErrorCode.TrainingFailed, $"Expected to draw the report of {row.Model}:{row.Version}, but it could not be rendered ({ex.GetType().Name}); the version stands without it.");
        }

        await blob.UploadAsync(BinaryData.FromString(html), new Azure.Storage.Blobs.Models.BlobUploadOptions
        {
            HttpHeaders = new Azure.Storage.Blobs.Models.BlobHttpHeaders { ContentType = "text/html; charset=utf-8" },
        }, cancellationToken);
    }
}
