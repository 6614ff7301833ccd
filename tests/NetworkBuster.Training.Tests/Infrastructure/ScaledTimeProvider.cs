
namespace NetworkBuster.Training.Tests.Infrastructure;

/// <summary>A clock that runs <see cref="Factor"/> times faster than real time, timers included: a minute-long deadline passes in a second.</summary>
/// <param name="factor">How much faster.</param>
public sealed class ScaledTimeProvider(double factor) : TimeProvider
{
    private readonly DateTimeOffset _start = DateTimeOffset.UtcNow;
    private readonly long _origin = System.GetTimestamp();

    public double Factor => factor;

    public override DateTimeOffset GetUtcNow() => _start + (System.GetElapsedTime(_origin) * factor);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        System.CreateTimer(callback, state, Scale(dueTime), Scale(period));

    private TimeSpan Scale(TimeSpan span) => span == Timeout.InfiniteTimeSpan ? span : span / factor;
}
