using System.Diagnostics;

namespace NetworkBuster.Training.Cli.Local;

/// <summary>Finds the repository's pinned Azurite package, installing it with <c>npm ci</c> when missing.</summary>
public static class AzuritePackage
{
    private const string Script = "node_modules/azurite/dist/src/azurite.js";
    private static readonly SemaphoreSlim InstallLock = new(1, 1);

    /// <summary>The repository root: the nearest folder above the program or the working directory with a package.json naming azurite.</summary>
    public static string? FindRoot()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var manifest = Path.Combine(dir.FullName, "package.json");
                if (File.Exists(manifest) && File.ReadAllText(manifest).Contains("\"azurite\"", StringComparison.Ordinal))
                {
                    return dir.FullName;
                }
            }
        }

        return null;
    }

    /// <summary>The path of Azurite's entry script, after installing the pinned package if needed.</summary>
    public static async Task<string> EnsureInstalledAsync(TextWriter? log, CancellationToken cancellationToken)
    {
        var root = FindRoot() ?? throw new InvalidOperationException(
            "Cannot find the repository's package.json (which pins azurite). Run nbtrain from the repository, or set AzureWebJobsStorage to a running storage account or emulator.");
        var script = Path.Combine(root, Script);
        if (File.Exists(script))
        {
            return script;
        }

        await InstallLock.WaitAsync(cancellationToken);
        try
        {
            if (!File.Exists(script))
            {
                log?.WriteLine("Installing Azurite (npm ci) in " + root + " …");
                var npm = new ProcessStartInfo("npm", "ci --no-audit --no-fund --loglevel=error") { WorkingDirectory = root, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
                using var process = Process.Start(npm) ?? throw new InvalidOperationException("Could not start npm; install Node.js 20 or later.");
                var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
                await process.StandardOutput.ReadToEndAsync(cancellationToken);
                await process.WaitForExitAsync(cancellationToken);
                if (process.ExitCode != 0 || !File.Exists(script))
                {
                    throw new InvalidOperationException($"npm ci failed with exit code {process.ExitCode}: {await stderr}");
                }
            }

            return script;
        }
        finally
        {
            InstallLock.Release();
        }
    }
}
