using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace NetworkBuster.Training.Cli.Local;

/// <summary>
/// Azurite, the storage emulator, run as a child process from the repository's pinned npm package
/// (installed with <c>npm ci</c> on first use).
/// </summary>
public sealed partial class AzuriteServer : IAsyncDisposable
{
    private Process _process;
    private readonly string[]? _restartArguments;
    private readonly string? _accounts;

    private AzuriteServer(Process process, string connectionString, string[]? restartArguments = null, string? accounts = null)
    {
        _process = process;
        ConnectionString = connectionString;
        _restartArguments = restartArguments;
        _accounts = accounts;
    }

    /// <summary>The connection string of the running emulator.</summary>
    public string ConnectionString { get; }

    /// <summary>
    /// Starts a throw-away emulator: in-memory, on free ports, with an account key generated for this run.
    /// </summary>
    public static async Task<AzuriteServer> StartEphemeralAsync(TextWriter? log = null, CancellationToken cancellationToken = default)
    {
        const string account = "nbtrain";
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(64));
        var (process, ports) = await LaunchAsync(["--inMemoryPersistence", "--blobPort", "0", "--queuePort", "0", "--tablePort", "0"], $"{account}:{key}", log, cancellationToken);
        return new AzuriteServer(
            process,
            $"DefaultEndpointsProtocol=http;AccountName={account};AccountKey={key};" +
            $"BlobEndpoint=http://127.0.0.1:{ports["Blob"]}/{account};QueueEndpoint=http://127.0.0.1:{ports["Queue"]}/{account};TableEndpoint=http://127.0.0.1:{ports["Table"]}/{account};");
    }

    /// <summary>
    /// Starts an emulator that keeps its data in <paramref name="location"/> on free ports, and can be stopped and
    /// started again on the same ports (for outage tests).
    /// </summary>
    public static async Task<AzuriteServer> StartRestartableAsync(string location, CancellationToken cancellationToken = default)
    {
        const string account = "nbtrain";
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(64));
        Directory.CreateDirectory(location);
        var (process, ports) = await LaunchAsync(["--location", location, "--blobPort", "0", "--queuePort", "0", "--tablePort", "0"], $"{account}:{key}", null, cancellationToken);
        string[] again = ["--location", location, "--blobPort", P(ports["Blob"]), "--queuePort", P(ports["Queue"]), "--tablePort", P(ports["Table"])];
        return new AzuriteServer(
            process,
            $"DefaultEndpointsProtocol=http;AccountName={account};AccountKey={key};" +
            $"BlobEndpoint=http://127.0.0.1:{ports["Blob"]}/{account};QueueEndpoint=http://127.0.0.1:{ports["Queue"]}/{account};TableEndpoint=http://127.0.0.1:{ports["Table"]}/{account};",
            again,
            $"{account}:{key}");
    }

    /// <summary>Starts a stopped restartable emulator again on its ports, with its data.</summary>
    public async Task StartAgainAsync(CancellationToken cancellationToken = default)
    {
        var arguments = _restartArguments ?? throw new InvalidOperationException("Only an emulator started with StartRestartableAsync can be started again.");
        _process.Dispose();
        (_process, _) = await LaunchAsync(arguments, _accounts, null, cancellationToken);
    }

    private static string P(int port) => port.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Starts the emulator on its default ports (10000–10002) with data kept in <paramref name="location"/>, so that
    /// <c>UseDevelopmentStorage=true</c> (and <c>az storage … --connection-string "UseDevelopmentStorage=true"</c>) reach it.
    /// </summary>
    public static async Task<AzuriteServer> StartDefaultAsync(string location, TextWriter? log = null, CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(location);
        var (process, _) = await LaunchAsync(["--location", location], null, log, cancellationToken);
        return new AzuriteServer(process, "UseDevelopmentStorage=true");
    }

    /// <summary>Whether something already listens on the default blob port (an Azurite started by hand).</summary>
    public static bool IsDefaultPortInUse()
    {
        try
        {
            using var client = new TcpClient();
            client.Connect("127.0.0.1", 10000);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>Stops the process (and its children).</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    /// <summary>Stops the emulator as an operator would (SIGINT), letting it write its data to disk.</summary>
    public async Task StopAsync()
    {
        using (var signal = Process.Start("kill", ["-INT", _process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await signal.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            Kill();
        }
    }

    /// <summary>Stops the emulator abruptly, as a crash would (for failure tests).</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    private static async Task<(Process Process, Dictionary<string, int> Ports)> LaunchAsync(
        string[] arguments, string? accounts, TextWriter? log, CancellationToken cancellationToken)
    {
        var script = await AzuritePackage.EnsureInstalledAsync(log, cancellationToken);
        var start = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(script);
        foreach (var argument in arguments.Concat(["--disableTelemetry", "--skipApiVersionCheck", "--loose", "--silent"]))
        {
            start.ArgumentList.Add(argument);
        }

        if (accounts is not null)
        {
            start.Environment["AZURITE_ACCOUNTS"] = accounts;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start node for Azurite.");
        var ports = new Dictionary<string, int>();
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                ready.TrySetException(new InvalidOperationException("Azurite exited: " + string.Join(" | ", output)));
                return;
            }

            output.Enqueue(e.Data);
            if (ListeningLine().Match(e.Data) is { Success: true } match)
            {
                lock (ports)
                {
                    ports[match.Groups["service"].Value] = int.Parse(match.Groups["port"].Value, CultureInfo.InvariantCulture);
                    if (ports.Count == 3)
                    {
                        ready.TrySetResult();
                    }
                }
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                output.Enqueue(e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await ready.Task.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
        }
        catch
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            process.Dispose();
            throw;
        }

        return (process, ports);
    }

    [GeneratedRegex(@"Azurite (?<service>Blob|Queue|Table) service is successfully listening at http://[^:]+:(?<port>\d+)")]
    private static partial Regex ListeningLine();
}
