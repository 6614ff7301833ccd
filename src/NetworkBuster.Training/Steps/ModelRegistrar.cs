using System.Reflection;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using NetworkBuster.Training.Contracts;
using NetworkBuster.Training.Datasets;
using NetworkBuster.Training.Evaluation;
using NetworkBuster.Training.Registry;
using NetworkBuster.Training.Storage;

namespace NetworkBuster.Training.Steps;

/// <summary>
/// The register step: claims the next version row, publishes <c>model.zip</c> and <c>metadata.json</c> to
/// <c>ml-models/{model}/v{version}/</c>, and promotes when the gate said so. Idempotent per job id. What only people
/// read (<c>report.html</c>, <c>profile.json</c>, importance) is <see cref="ModelExplainer"/>'s, after it.
/// </summary>
/// <param name="storage">The storage account.</param>
/// <param name="registry">The registry table.</param>
/// <param name="models">The model store.</param>
/// <param name="snapshots">The staging snapshots (the manifest).</param>
/// <param name="retention">Applied after each registration.</param>
/// <param name="runs">Run rows (the registration claim).</param>
/// <param name="time">The clock for CreatedAt and PromotedAt.</param>
/// <param name="logger">Logger.</param>
public sealed class ModelRegistrar(StorageClients storage, ModelRegistry registry, ModelStore models, SnapshotStore snapshots, RetentionPolicy retention, Runs.RunStore runs, TimeProvider time, ILogger<ModelRegistrar> logger)
{
    /// <summary>
    /// A claim this old belongs to an execution that died; a new one takes it over. It covers only the manifest
    /// read and the version insert (well under a second), and a retry of a failed execution arrives after it.
    /// </summary>
    public static readonly TimeSpan ClaimLifetime = Runs.RunStore.RegistrationClaimLifetime;

    private static readonly string CodeVersion =
        typeof(ModelRegistrar).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    /// <summary>Registers the candidate (once per job id).</summary>
    public async Task<RegisterOutput> RegisterAsync(RegisterInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var job = input.Job;
        var row = await registry.FindByJobAsync(job.Model, job.JobId, cancellationToken) ?? await AllocateAsync(input, cancellationToken);

        var modelBlob = models.ModelBlob(job.Model, row.Version);
        if (!await modelBlob.ExistsAsync(cancellationToken))
        {
            // A schema too wide for the row goes first, so a model zip in place means it is too.
            var manifest = await snapshots.GetManifestAsync(input.Ingest.SnapshotPrefix, cancellationToken);
            if (row.InputSchemaBlob is not null)
            {
                await using var schema = new MemoryStream(SchemaBytes(manifest.Schema));
                var (sha, _) = await ModelStore.UploadAsync(models.SchemaBlob(job.Model, row.Version), schema, cancellationToken);
                if (!string.Equals(sha, row.InputSchemaSha256, StringComparison.OrdinalIgnoreCase))
                {
                    throw new ModelIntegrityException($"{StorageNames.ModelsContainer}/{row.InputSchemaBlob}", row.InputSchemaSha256 ?? "", sha);
                }
            }

            await using var staged = await ModelStore.DownloadVerifiedAsync(storage.Staging.GetBlobClient(input.Train.ModelBlob), input.Train.ModelSha256, cancellationToken);
            await ModelStore.UploadAsync(modelBlob, staged, cancellationToken);
            await models.MetadataBlob(job.Model, row.Version).UploadAsync(BinaryData.FromObjectAsJson(VersionMetadata.Of(row, input), PipelineJson.Options), overwrite: true, cancellationToken);
        }

        bool isCurrent = row.IsCurrent;
        if (input.Evaluation.Promote && !isCurrent)
        {
            var previous = await registry.PromoteAsync(job.Model, row.Version, time.GetUtcNow(), $"job:{job.JobId}", input.Evaluation.Decision, cancellationToken);
            isCurrent = true;
            logger.LogInformation("Promoted {Model}:{Version} (previous {Previous})", job.Model, row.Version, previous);
        }

        // Staging stays for explain, which empties it once the report is drawn.
        await retention.ApplyAsync(job.Model, cancellationToken);
        logger.LogInformation("Registered {Model}:{Version} {PrimaryMetric}={PrimaryMetricValue}", job.Model, row.Version, row.PrimaryMetric, row.PrimaryMetricValue);
        return new RegisterOutput(row.Version, isCurrent, row.Status);
    }

    /// <summary>
    /// Takes the job's registration claim, then its version: a second execution running at the same time fails
    /// the claim (transient, retried) before it can take a version number, so one job never gets two.
    /// </summary>
    private async Task<ModelVersionRow> AllocateAsync(RegisterInput input, CancellationToken cancellationToken)
    {
        var job = input.Job;
        var now = time.GetUtcNow();
        var claim = Guid.NewGuid().ToString("N");
        if (!await runs.TryClaimRegistrationAsync(job.JobId, claim, now, now - ClaimLifetime, cancellationToken))
        {
            logger.LogInformation("Register of {JobId} is running in another execution; this one retries", job.JobId);
            throw new RegistrationInProgressException(job.JobId);
        }

        // The claim's previous holder may have allocated before it died.
        if (await registry.FindByJobAsync(job.Model, job.JobId, cancellationToken) is { } existing)
        {
            return existing;
        }

        ModelVersionRow row;
        try
        {
            row = NewRow(input, await snapshots.GetManifestAsync(input.Ingest.SnapshotPrefix, cancellationToken));
            await registry.AddVersionAsync(row, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // No version was taken: let this execution's retry claim again at once.
            await runs.ReleaseRegistrationAsync(job.JobId, claim, CancellationToken.None);
            throw;
        }

        logger.LogInformation("Allocated {Model}:{Version} for {JobId}", job.Model, row.Version, job.JobId);
        return row;
    }

    private ModelVersionRow NewRow(RegisterInput input, SnapshotManifest manifest)
    {
        var (job, ingest, train, evaluation) = (input.Job, input.Ingest, input.Train, input.Evaluation);
        var insights = ModelInsights.FromJson(evaluation.InsightsJson);
        var schema = SchemaBytes(manifest.Schema);
        bool inline = System.Text.Encoding.UTF8.GetCharCount(schema) <= ModelVersionRow.MaxInlineSchemaChars;
        return new ModelVersionRow
        {
            Model = job.Model,
            Status = evaluation.Promote || job.Promotion == PromotionPolicy.Never ? VersionStatus.Available : VersionStatus.Rejected,
            StatusReason = evaluation.Decision,
            Trainer = train.Trainer ?? job.Trainer,
            Hyperparameters = train.HyperparametersJson,
            Metrics = JsonSerializer.Serialize(evaluation.Metrics),
            PrimaryMetric = evaluation.PrimaryMetric,
            PrimaryMetricValue = evaluation.PrimaryMetricValue,
            BaselineVersion = evaluation.BaselineVersion,
            BaselineMetricValue = evaluation.BaselineMetricValue,
            DatasetBlob = job.Dataset,
            DatasetSha256 = ingest.DatasetSha256,
            DatasetETag = ingest.DatasetETag,
            TrainRows = ingest.TrainRows,
            ValidationRows = ingest.ValidationRows,
            TestRows = ingest.TestRows,
            BadRows = ingest.BadRows,
            InputSchema = inline ? System.Text.Encoding.UTF8.GetString(schema) : null,
            InputSchemaSha256 = inline ? null : Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(schema)),
            ModelSha256 = train.ModelSha256,
            DecisionThreshold = train.DecisionThreshold,
            ModelBytes = train.ModelBytes,
            JobId = job.JobId,
            InstanceId = input.InstanceId,
            CodeVersion = CodeVersion,
            TrainingSeconds = train.TrainingSeconds,
            FeatureImportance = VersionMetadata.TopImportance(insights),
            Baselines = insights is null ? null : JsonSerializer.Serialize(insights.Baselines),
            Bottlenecks = VersionMetadata.Bottlenecks(insights),
            Drift = ingest.Drift?.ToColumn(),
            CreatedAt = time.GetUtcNow(),
        };
    }

    private static byte[] SchemaBytes(SnapshotSchema schema) => JsonSerializer.SerializeToUtf8Bytes(schema, PipelineJson.Options);
}
