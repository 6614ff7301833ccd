using System.Reflection;
using Microsoft.DurableTask.Worker.Grpc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NetworkBuster.Training.Cli.Local;

namespace NetworkBuster.Training.Tests.Hosting;

/// <summary>
/// The local host's worker keeps its work-item stream open through silence. With the SDK's 120 s silent-disconnect
/// detection on, the in-process sidecar (which sends no health pings) saw the worker reconnect during every quiet
/// spell, and a work item written while the old stream closed was lost for good: the flaky CI stalls. Forcing the
/// window to 0.1 s reproduced them (runs stuck Pending) in the first run of the end-to-end tests.
/// </summary>
public class LocalWorkerConnectionTests
{
    [Fact]
    public void LocalHostWorker_HasSilentDisconnectDetectionOff_AndTheEngineAddress()
    {
        using var host = LocalHost.Build("UseDevelopmentStorage=true", LogLevel.Warning);

        var grpc = host.Services.GetRequiredService<IOptionsMonitor<GrpcDurableTaskWorkerOptions>>().Get(Options.DefaultName);

        Assert.StartsWith("http://127.0.0.1:", grpc.Address, StringComparison.Ordinal);
        Assert.True(SilentDisconnectTimeout(grpc) <= TimeSpan.Zero, $"silent-disconnect window {SilentDisconnectTimeout(grpc)}; it must be off (non-positive)");
    }

    [Fact]
    public void ConnectWorker_TurnsOffTheDetectionTheSdkHasOnByDefault()
    {
        var grpc = new GrpcDurableTaskWorkerOptions();
        Assert.True(SilentDisconnectTimeout(grpc) > TimeSpan.Zero, "the SDK default changed; revisit LocalHost.ConnectWorker");

        LocalHost.ConnectWorker(grpc, "http://127.0.0.1:1");

        Assert.Equal(TimeSpan.Zero, SilentDisconnectTimeout(grpc));
    }

    // The window lives on the SDK's internal options (set through its public InternalOptionsExtensions).
    private static TimeSpan SilentDisconnectTimeout(GrpcDurableTaskWorkerOptions grpc)
    {
        var internals = typeof(GrpcDurableTaskWorkerOptions).GetProperty("Internal", BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public)?.GetValue(grpc)
            ?? throw new InvalidOperationException("GrpcDurableTaskWorkerOptions.Internal not found; the SDK changed");
        return (TimeSpan)(internals.GetType().GetProperty("SilentDisconnectTimeout")?.GetValue(internals)
            ?? throw new InvalidOperationException("InternalOptions.SilentDisconnectTimeout not found; the SDK changed"));
    }
}
