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

    /// <summary>
    /// Sends a signal (<c>INT</c> as Ctrl+C, <c>TERM</c> as a service manager or container stop) and waits for the
    /// process to exit; false when it is still running after <paramref name="wait"/>.
    /// </summary>
    public async Task<bool> SignalAndWaitAsync(string signal, TimeSpan wait)
    {
        using (var kill = Process.Start("kill", ["-" + signal, _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
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

    /// <summary>
    /// Whether this process ignores SIGINT, as a shell's background job does (<c>command &amp;</c> without job
    /// control). A child inherits the ignore, so a host started from here rightly ignores Ctrl+C too.
    /// </summary>
    public static bool InterruptIgnoredHere()
    {
        const int SigInt = 2; // SigIgn is a hex mask with bit (signal - 1) set per ignored signal.
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
        return line is not null && (Convert.ToUInt64(line["SigIgn:".Length..].Trim(), 16) & (1UL << (SigInt - 1))) != 0;
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
