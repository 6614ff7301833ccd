using System.Diagnostics.Metrics;

namespace NetworkBuster.Training.Telemetry;

/// <summary>
/// The pipeline's metrics (meter <see cref="MeterName"/>), recorded by the activities in both hosts and exported
/// through OpenTelemetry to Application Insights: runs by status, step durations, rows ingested, primary metrics.
/// </summary>
public sealed class TrainingTelemetry : IDisposable
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "NetworkBuster.Training";

    private readonly Meter _meter;
    private readonly Counter<long> _runs;
    private readonly Histogram<double> _stepSeconds;
    private readonly Histogram<long> _rows;
    private readonly Histogram<double> _primaryMetric;
    private readonly Histogram<double> _drift;
    private readonly Histogram<double> _phaseSeconds;

    /// <summary>Creates the instruments.</summary>
    public TrainingTelemetry(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        _meter = meters.Create(MeterName);
        _runs = _meter.CreateCounter<long>("nbtraining.runs", description: "Training runs that ended, by status");
        _stepSeconds = _meter.CreateHistogram<double>("nbtraining.step.duration", "s", "Wall time of one workflow step");
        _rows = _meter.CreateHistogram<long>("nbtraining.rows", description: "Usable rows ingested per job");
        _drift = _meter.CreateHistogram<double>("nbtraining.drift.psi", description: "PSI of each of a new dataset's most drifted features against the current version's profile");
        _phaseSeconds = _meter.CreateHistogram<double>("nbtraining.step.phase.duration", "s", "Wall time of a named part of a step (train: fit; evaluate: baseline, insights)");
        _primaryMetric = _meter.CreateHistogram<double>("nbtraining.model.primary_metric", description: "Primary metric of each registered version on its test split");
    }

    /// <summary>A run ended.</summary>
    public void RunEnded(string status, string? errorCode) =>
        _runs.Add(1, new KeyValuePair<string, object?>("status", status), new KeyValuePair<string, object?>("error_code", errorCode ?? ""));

    /// <summary>A step finished (or failed) after <paramref name="seconds"/>.</summary>
    public void StepFinished(string step, string model, double seconds, bool succeeded) =>
        _stepSeconds.Record(seconds, new KeyValuePair<string, object?>("step", step), new KeyValuePair<string, object?>("model", model), new KeyValuePair<string, object?>("succeeded", succeeded));

    /// <summary>A named part of a step took <paramref name="seconds"/> (e.g. the fit within train, scoring the current version within evaluate).</summary>
    public void PhaseFinished(string step, string phase, string model, double seconds) =>
        _phaseSeconds.Record(seconds, new KeyValuePair<string, object?>("step", step), new KeyValuePair<string, object?>("phase", phase), new KeyValuePair<string, object?>("model", model));

    /// <summary>Rows were ingested.</summary>
    public void RowsIngested(string model, long rows) => _rows.Record(rows, new KeyValuePair<string, object?>("model", model));

    /// <summary>A version was registered.</summary>
    public void VersionRegistered(string model, string metric, double value) =>
        _primaryMetric.Record(value, new KeyValuePair<string, object?>("model", model), new KeyValuePair<string, object?>("metric", metric));

    /// <summary>Records the PSI of each reported feature of a dataset's drift, by model and feature.</summary>
    public void DriftMeasured(string model, IEnumerable<(string Feature, double Psi)> features)
    {
        ArgumentNullException.ThrowIfNull(features);
        foreach (var (feature, psi) in features)
        {
            _drift.Record(psi, new KeyValuePair<string, object?>("model", model), new KeyValuePair<string, object?>("feature", feature));
        }
    }

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();
}
