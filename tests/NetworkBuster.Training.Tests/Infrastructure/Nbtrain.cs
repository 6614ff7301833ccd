using System.Diagnostics;

namespace NetworkBuster.Training.Tests.Infrastructure;

/// <summary>Runs the real <c>nbtrain</c> program as a separate process.</summary>
public static class Nbtrain
{
    public sealed record Result(int ExitCode, string Output, string Error)
    {
        public override string ToString() => $"exit {ExitCode}\n{Output}\n{Error}";
    }

    public static Task<Result> RunAsync(params string[] arguments) => RunAsync(arguments, null);

    /// <summary>Runs nbtrain with extra environment variables (AzureWebJobsStorage is always removed).</summary>
    public static async Task<Result> RunAsync(string[] arguments, IDictionary<string, string>? environment)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "nbtrain.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment.Remove("AzureWebJobsStorage");
        start.Environment["COLUMNS"] = "240";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        return new Result(process.ExitCode, await stdout, await stderr);
    }
}
