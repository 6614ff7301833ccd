using System.Collections.Concurrent;
using System.Diagnostics;

namespace NetworkBuster.Training.Tests.Infrastructure;

/// <summary><c>nbtrain host</c> as a real child process, to be killed or interrupted like a real one.</summary>
public sealed class HostProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private HostProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) { _output.Enqueue(e.Data); } };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { _output.Enqueue(e.Data); } };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Output => string.Join("\n", _output);

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>Starts a host on the given storage; settings become environment variables (Training__Host__…).</summary>
    public static HostProcess Start(string connection, IDictionary<string, string>? settings = null)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "nbtrain.dll"), "host", "--no-timers", "--connection", connection })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment.Remove("AzureWebJobsStorage");
        var defaults = new Dictionary<string, string>
        {
            ["Training__Host__VisibilityTimeout"] = "00:00:06",
            ["Training__Host__RetryDelay"] = "00:00:01",
            ["Training__Host__MinPollingInterval"] = "00:00:00.100",
            ["Training__Host__MaxPollingInterval"] = "00:00:00.500",
            ["Training__Host__WorkItemVisibility"] = "00:00:10",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            defaults[key] = value;
        }

        foreach (var (key, value) in defaults)
        {
            start.Environment[key] = value;
        }

        return new HostProcess(Process.Start(start)!);
    }

    /// <summary>SIGKILL: no chance to clean up, as a crash or an evicted instance.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    /// <summary>SIGINT, as Ctrl+C.</summary>
    public async Task<bool> InterruptAsync(TimeSpan wait)
    {
        using (var kill = Process.Start("kill", ["-INT", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(wait);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }
}
