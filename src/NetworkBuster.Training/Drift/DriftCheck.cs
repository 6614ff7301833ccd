using NetworkBuster.Training.Contracts;
using NetworkBuster.Training.Evaluation;
using NetworkBuster.Training.Registry;
using NetworkBuster.Training.Scoring;

namespace NetworkBuster.Training.Drift;

/// <summary>What <c>nbtrain drift</c> measured.</summary>
/// <param name="Version">The version whose profile was the reference.</param>
/// <param name="Report">The drift (every compared feature, not only the top ones).</param>
/// <param name="Rows">Rows read.</param>
/// <param name="BadRows">Rows skipped as unreadable.</param>
public sealed record DriftCheckResult(ModelVersionRef Version, DriftReport Report, long Rows, long BadRows);

/// <summary>
/// A CSV against a registered version's <c>profile.json</c>, without training: rows are mapped as for scoring
/// (<see cref="BatchScorer"/>), then measured as ingest measures a new job's data.
/// </summary>
/// <param name="registry">The registry.</param>
/// <param name="models">The model store (input schema).</param>
/// <param name="profiler">Profiles and thresholds.</param>
/// <param name="options">The sample size.</param>
public sealed class DriftCheck(ModelRegistry registry, ModelStore models, DatasetProfiler profiler, DriftOptions options)
{
    /// <summary>Measures <paramref name="csv"/> against the version.</summary>
    /// <exception cref="NotFoundException">When the version, or its profile, does not exist.</exception>
    public async Task<DriftCheckResult> CheckAsync(ModelVersionRef target, Stream csv, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        var row = (target.Version is { } v ? await registry.GetAsync(target.Model, v, cancellationToken) : await registry.GetCurrentAsync(target.Model, cancellationToken))
            ?? throw new NotFoundException(target.Version is null ? $"{target.Model} has no current version." : $"{target} does not exist.");
        var profile = await profiler.ReadProfileAsync(row, cancellationToken)
            ?? throw new NotFoundException($"Expected {ModelVersionRow.ProfileBlobOf(row.Model, row.Version)} in ml-models, but {row.Model}:{row.Version} has no profile (registered before drift profiles were kept, or removed by retention).");
        var schema = await models.InputSchemaAsync(row, cancellationToken);
        var folder = Directory.CreateTempSubdirectory("nbtrain-drift-").FullName;
        try
        {
            var (path, rows, bad, hasLabel) = await BatchScorer.MapRowsAsync(schema, csv, folder, cancellationToken);
            var sample = RowArrays.Load(path, schema, rows, options.RowsFor(1 + schema.Features.Count));
            var report = DriftCalculator.Measure(profile, sample, row.Version, options, keep: int.MaxValue);
            return new DriftCheckResult(new ModelVersionRef(row.Model, row.Version), hasLabel ? report : report with { Label = null }, rows, bad);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
