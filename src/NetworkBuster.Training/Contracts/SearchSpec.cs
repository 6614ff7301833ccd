
namespace NetworkBuster.Training.Contracts;

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
}
