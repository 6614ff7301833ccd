using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using NetworkBuster.Training.Telemetry;

namespace NetworkBuster.Training.Cli.Benchmarks;

/// <summary>
/// Sums the pipeline's own step timings (the <c>nbtraining.step.duration</c> histogram each activity records with
/// the stopwatch it logs "Step … took" with) while jobs run in this process, per step name.
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
            if (instrument.Meter.Name == TrainingTelemetry.MeterName && instrument.Name == "nbtraining.step.duration")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>((_, seconds, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag is { Key: "step", Value: string step })
                {
                    _seconds.AddOrUpdate(step, seconds, (_, sum) => sum + seconds);
                }
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
