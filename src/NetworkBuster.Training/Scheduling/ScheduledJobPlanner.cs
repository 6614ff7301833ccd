using System.Security.Cryptography;
using System.Text.Json;
using Azure.Storage.Blobs.Models;
using NetworkBuster.Training.Contracts;
using NetworkBuster.Training.Jobs;
using NetworkBuster.Training.Registry;
using NetworkBuster.Training.Storage;

namespace NetworkBuster.Training.Scheduling;

/// <summary>What a timer fire should do.</summary>
/// <param name="JobId">The slot's deterministic job id.</param>
/// <param name="Job">The job to run, or null to skip.</param>
/// <param name="SkipReason">Why nothing runs.</param>
public sealed record ScheduledPlan(string JobId, TrainingJob? Job, string? SkipReason);

/// <summary>
/// Plans a timer fire: the newest dataset blob under <c>{model}/</c>, unless that content (same ETag, or the same
/// SHA-256) already produced the current version.
/// </summary>
/// <param name="storage">The storage account.</param>
/// <param name="registry">The registry.</param>
public sealed class ScheduledJobPlanner(StorageClients storage, ModelRegistry registry)
{
    /// <summary>Plans the job for a schedule slot.</summary>
    public async Task<ScheduledPlan> PlanAsync(RetrainingSchedule schedule, DateTime slot, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        var model = schedule.Preset.Name;
        var jobId = schedule.JobIdFor(slot);
        BlobItem? newest = null;
        await foreach (var blob in storage.Datasets.GetBlobsAsync(BlobTraits.None, BlobStates.None, model + "/", cancellationToken))
        {
            if (newest is null || blob.Properties.LastModified > newest.Properties.LastModified
                || (blob.Properties.LastModified == newest.Properties.LastModified && string.CompareOrdinal(blob.Name, newest.Name) > 0))
            {
                newest = blob;
            }
        }

        if (newest is null)
        {
            return new ScheduledPlan(jobId, null, $"no dataset under {StorageNames.DatasetsContainer}/{model}/");
        }

        var current = await registry.GetCurrentAsync(model, cancellationToken);
        if (current is not null && await IsSameContentAsync(newest, current, cancellationToken))
        {
            return new ScheduledPlan(jobId, null, $"dataset {newest.Name} is unchanged since it produced the current version {model}:{current.Version}");
        }

        var message = JsonSerializer.Serialize(new { jobId, model, dataset = newest.Name });
        var parsed = JobMessageParser.Parse(message, jobId);
        return parsed.Job is { } job ? new ScheduledPlan(jobId, job, null) : new ScheduledPlan(jobId, null, parsed.Failure!.Message);
    }

    private async Task<bool> IsSameContentAsync(BlobItem blob, ModelVersionRow current, CancellationToken cancellationToken)
    {
        if (current.DatasetBlob == blob.Name && current.DatasetETag == blob.Properties.ETag?.ToString())
        {
            return true;
        }

        if (current.DatasetSha256 is null)
        {
            return false;
        }

        // Re-uploaded or renamed: compare the content itself.
        await using var stream = await storage.Datasets.GetBlobClient(blob.Name).OpenReadAsync(cancellationToken: cancellationToken);
        var sha = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
        return string.Equals(sha, current.DatasetSha256, StringComparison.OrdinalIgnoreCase);
    }
}
