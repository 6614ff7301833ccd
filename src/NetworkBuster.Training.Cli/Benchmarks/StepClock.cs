using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using NetworkBuster.Training.Telemetry;

namespace NetworkBuster.Training.Cli.Benchmarks;

/// <summary>
/// Sums the pipeline's own step timings (the <c>nbtraining.step.duration</c> histogram each activity records with
/// the stopwatch it logs "Step … took" with, and <c>nbtraining.step.phase.duration</c> for parts of a step, keyed
/// <c>step.phase</c>) while jobs run in this process.
/// </summary>
public sealed class StepClock : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, double> _seconds = new(StringComparer.Ordinal);

    /// <summary>Starts listening.</summary>
    public StepClock()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == TrainingTelemetry.MeterName && instrument.Name is "nbtraining.step.duration" or "nbtraining.step.phase.duration")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>((_, seconds, tags, _) =>
        {
            string? step = null, phase = null;
            foreach (var tag in tags)
            {
                (step, phase) = tag switch
                {
                    { Key: "step", Value: string s } => (s, phase),
                    { Key: "phase", Value: string p } => (step, p),
                    _ => (step, phase),
                };
            }

            if (step is not null)
            {
                // A phase is keyed "step.phase" (e.g. "train.fit"), beside its step's total.
                var key = phase is null ? step : $"{step}.{phase}";
                _seconds.AddOrUpdate(key, seconds, (_, sum) => sum + seconds);
            }
        });
        _listener.Start();
    }

    /// <summary>The seconds per step since the last call, and starts counting afresh.</summary>
    public IReadOnlyDictionary<string, double> Take()
    {
        var taken = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var step in _seconds.Keys)
        {
            if (_seconds.TryRemove(step, out double seconds))
            {
                taken[step] = seconds;
            }
        }

        return taken;
    }

    /// <inheritdoc />
    public void Dispose() => _listener.Dispose();
}
