using System.Diagnostics;

namespace NetworkBuster.Training.Tests.Infrastructure;

/// <summary>Headless Chromium as a real process (the Debian package <c>chromium</c>, installed by <c>.ci/run</c>).</summary>
public static class Chromium
{
    /// <summary>The browser's path, or null when none is installed.</summary>
    public static string? Executable { get; } = new[] { "chromium", "chromium-browser", "google-chrome" }
        .SelectMany(name => (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Select(dir => Path.Combine(dir, name)))
        .FirstOrDefault(File.Exists);

    /// <summary>Why a test that needs the browser is skipped, or null when it can run.</summary>
    public static string? SkipReason => Executable is null
        ? "chromium is not installed (apt-get install -y chromium; .ci/run installs it): the report cannot be rendered"
        : null;

    /// <summary>Renders a page into a PNG of the given window size.</summary>
    public static async Task ScreenshotAsync(string html, string png, int width = 1200, int height = 2000)
    {
        var result = await RunAsync($"--screenshot={png}", $"--window-size={width},{height}", new Uri(html).AbsoluteUri);
        Assert.True(File.Exists(png), $"chromium wrote no screenshot: {result}");
    }

    /// <summary>The DOM after the page's scripts ran.</summary>
    public static async Task<string> DumpDomAsync(string html, int width = 1200, int height = 2000) =>
        await RunAsync("--dump-dom", $"--window-size={width},{height}", new Uri(html).AbsoluteUri);

    private static async Task<string> RunAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo(Executable ?? throw new InvalidOperationException(SkipReason))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run", $"--user-data-dir={Path.Combine(Path.GetTempPath(), "nbtest-chromium-" + Guid.NewGuid().ToString("N")[..8])}" }.Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"chromium did not finish within 2 minutes: {await stderr}");
        }

        Assert.True(process.ExitCode == 0, $"chromium exited {process.ExitCode}: {await stderr}");
        return await stdout;
    }
}
