using System.Text.Json;
using NetworkBuster.Training.Presets;
using NetworkBuster.Training.Training;
using static NetworkBuster.Training.Jobs.JobMessageParser;

namespace NetworkBuster.Training.Jobs;

/// <summary>
/// An optional, bounded hyperparameter search (the job field <c>search</c>, an addition to the contract): trials are
/// fitted on the train split and compared on the validation split by the primary metric; the best is refitted.
/// </summary>
/// <param name="Kind"><c>random</c> (seeded draws from each trainer's ranges) or <c>grid</c> (a fixed small grid, in order).</param>
/// <param name="Trials">At most this many fits (1–100).</param>
/// <param name="Minutes">At most this long, in minutes (stops after the trial running at the limit).</param>
/// <param name="Trainers">The trainers compared (default: the job's trainer).</param>
public sealed record SearchSpec(string Kind = SearchSpec.Random, int Trials = 10, double Minutes = 5, IReadOnlyList<string>? Trainers = null)
{
    /// <summary>Random search.</summary>
    public const string Random = "random";

    /// <summary>Grid search.</summary>
    public const string Grid = "grid";

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
            result = text is Random or Grid ? result with { Kind = text } : throw Invalid($"'search.kind' must be random or grid, but found {Describe(kind)}.");
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
                TrainerCatalog.Validate(task, name, new Dictionary<string, double>());
            }

            result = result with { Trainers = names.Count > 0 ? names : null };
        }

        return result;
    }
}
