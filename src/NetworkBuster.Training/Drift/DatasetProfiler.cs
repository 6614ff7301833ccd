using Azure;
using Microsoft.Extensions.Logging;
using NetworkBuster.Training.Contracts;
using NetworkBuster.Training.Datasets;
using NetworkBuster.Training.Evaluation;
using NetworkBuster.Training.Registry;
using NetworkBuster.Training.Storage;

namespace NetworkBuster.Training.Drift;

/// <summary>
/// Profiles a job's training split into staging (<c>{jobId}/profile.json</c>, published beside the model when it
/// registers) and measures its drift from the current version's <c>profile.json</c>.
/// </summary>
/// <param name="storage">The storage account.</param>
/// <param name="registry">The registry (the current version).</param>
/// <param name="options">Thresholds and sample size.</param>
/// <param name="logger">Logger.</param>
public sealed class DatasetProfiler(StorageClients storage, ModelRegistry registry, DriftOptions options, ILogger<DatasetProfiler> logger)
{
    /// <summary>The staged profile of a job's snapshots.</summary>
    public static string StagedProfileBlob(string snapshotPrefix) => $"{snapshotPrefix}/profile.json";

    /// <summary>The most train rows a profile samples for a layout (fewer for wide rows).</summary>
    public int SampleRowsFor(SnapshotSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        return options.RowsFor(1 + schema.Features.Count);
    }

    /// <summary>
    /// Profiles a sample of the job's train split (<see cref="SampleRowsFor"/> rows at most, taken while ingest wrote
    /// the split) and stages the profile; returns the drift from the current version, or null when there is none to
    /// compare with (first version, or one registered before profiles).
    /// </summary>
    public async Task<DriftReport?> ProfileAsync(TrainingJob job, RowArrays rows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(rows);
        var profile = ProfileBuilder.Build(rows);
        await storage.Staging.GetBlobClient(StagedProfileBlob(job.JobId)).UploadAsync(BinaryData.FromBytes(profile.ToJson()), overwrite: true, cancellationToken);

        var current = await registry.GetCurrentAsync(job.Model, cancellationToken);
        if (current is null || current.JobId == job.JobId || await ReadProfileAsync(current, cancellationToken) is not { } reference)
        {
            return null;
        }

        var drift = DriftCalculator.Measure(reference, rows, current.Version, options);
        logger.LogInformation("Drift of {JobId} from {Model}:{Version}: max PSI {MaxPsi:F3} ({Level})", job.JobId, job.Model, current.Version, drift.MaxPsi, drift.Level);
        return drift;
    }

    /// <summary>A version's profile, or null when it has none.</summary>
    public async Task<DatasetProfile?> ReadProfileAsync(ModelVersionRow version, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(version);
        try
        {
            var content = await storage.Models.GetBlobClient(ModelVersionRow.ProfileBlobOf(version.Model, version.Version)).DownloadContentAsync(cancellationToken);
            return DatasetProfile.FromJson(content.Value.Content);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }
}
