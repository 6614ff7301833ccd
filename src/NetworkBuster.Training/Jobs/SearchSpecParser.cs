using System.Text.Json;
using NetworkBuster.Training.Contracts;
using NetworkBuster.Training.Training;
using static NetworkBuster.Training.Jobs.JobMessageParser;

namespace NetworkBuster.Training.Jobs;

/// <summary>Reads the job field <c>search</c> into a <see cref="SearchSpec"/>.</summary>
internal static class SearchSpecParser
{
    private static readonly string[] Fields = ["kind", "trials", "minutes", "trainers"];

    /// <summary>Parses and validates a <c>search</c> object.</summary>
    /// <exception cref="TrainingException">InvalidMessage for the shape, InvalidHyperparameter for unknown trainers.</exception>
    public static SearchSpec Parse(JsonElement element, ModelTask task)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw Invalid($"'search' must be an object such as {{\"kind\":\"random\",\"trials\":10,\"minutes\":5}}, but found {Describe(element)}.");
        }

        foreach (var property in element.EnumerateObject())
        {
            if (!Fields.Contains(property.Name, StringComparer.OrdinalIgnoreCase))
            {
                throw Invalid($"'search' may have the fields {string.Join(", ", Fields)}, but found \"{ContractNames.Truncate(property.Name)}\".");
            }
        }

        var result = new SearchSpec();
        if (TryGetIgnoreCase(element, "kind", out var kind))
        {
            var text = kind.ValueKind == JsonValueKind.String ? kind.GetString()!.ToLowerInvariant() : "";
            result = text is SearchSpec.Random or SearchSpec.Grid ? result with { Kind = text } : throw Invalid($"'search.kind' must be random or grid, but found {Describe(kind)}.");
        }

        if (TryGetIgnoreCase(element, "trials", out var trials))
        {
            result = result with { Trials = trials.TryGetInt32(out int n) && n is >= 1 and <= 100 ? n : throw Invalid($"'search.trials' must be a whole number from 1 to 100, but found {Describe(trials)}.") };
        }

        if (TryGetIgnoreCase(element, "minutes", out var minutes))
        {
            result = result with { Minutes = minutes.ValueKind == JsonValueKind.Number && minutes.GetDouble() is > 0 and <= 120 ? minutes.GetDouble() : throw Invalid($"'search.minutes' must be a number above 0 up to 120, but found {Describe(minutes)}.") };
        }

        if (TryGetIgnoreCase(element, "trainers", out var trainers))
        {
            if (trainers.ValueKind != JsonValueKind.Array || trainers.EnumerateArray().Any(t => t.ValueKind != JsonValueKind.String))
            {
                throw Invalid($"'search.trainers' must be an array of trainer names, but found {Describe(trainers)}.");
            }

            var names = trainers.EnumerateArray().Select(t => t.GetString()!).Distinct().ToList();
            foreach (var name in names)
            {
                if (name == TrainerCatalog.Auto.Name)
                {
                    throw Invalid("'search.trainers' names the trainers to compare, but found \"auto\", which is itself a comparison (use \"trainer\":\"auto\" without 'search').");
                }

                TrainerCatalog.Validate(task, name, new Dictionary<string, double>());
            }

            result = result with { Trainers = names.Count > 0 ? names : null };
        }

        return result;
    }
}
