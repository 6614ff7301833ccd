using System.Text.Json.Nodes;
using NetworkBuster.Training.Contracts;

namespace NetworkBuster.Training.Jobs;

/// <summary>Writes a job back as the contract's message JSON (what <see cref="JobMessageParser"/> reads).</summary>
public static class JobMessageWriter
{
    /// <summary>The job as a queue message.</summary>
    public static string ToJson(TrainingJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        var hyperparameters = new JsonObject();
        foreach (var (name, value) in job.Hyperparameters)
        {
            hyperparameters[name] = value;
        }

        var split = job.Split;
        var splitJson = new JsonObject { ["kind"] = split.Kind, ["seed"] = split.Seed };
        switch (split.Kind)
        {
            case SplitSpec.Files:
                splitJson["test"] = split.TestBlob;
                break;
            case SplitSpec.KFold:
                splitJson["folds"] = split.Folds;
                break;
            default:
                splitJson["test"] = split.Test;
                splitJson["validation"] = split.Validation;
                if (split.Column is not null)
                {
                    splitJson["column"] = split.Column;
                }

                break;
        }

        var message = new JsonObject
        {
            ["jobId"] = job.JobId,
            ["model"] = job.Model,
            ["dataset"] = job.Dataset,
            ["trainer"] = job.Trainer,
            ["hyperparameters"] = hyperparameters,
            ["priority"] = job.Priority.ToString().ToLowerInvariant(),
            ["timeoutMinutes"] = job.TimeoutMinutes,
            ["promotion"] = job.Promotion.ToString().ToLowerInvariant(),
            ["split"] = splitJson,
        };
        if (job.Spec is { } spec)
        {
            message["spec"] = JsonNode.Parse(spec.GetRawText());
        }

        if (job.Metric is { } metric)
        {
            message["metric"] = metric;
        }

        if (job.Threshold is { } threshold)
        {
            message["threshold"] = threshold;
        }

        if (job.Notify is { } notify)
        {
            message["notify"] = notify;
        }

        if (job.Search is { } search)
        {
            var searchJson = new JsonObject { ["kind"] = search.Kind, ["trials"] = search.Trials, ["minutes"] = search.Minutes };
            if (search.Trainers is { } trainers)
            {
                searchJson["trainers"] = new JsonArray([.. trainers.Select(t => (JsonNode?)t)]);
            }

            message["search"] = searchJson;
        }

        return message.ToJsonString();
    }
}
