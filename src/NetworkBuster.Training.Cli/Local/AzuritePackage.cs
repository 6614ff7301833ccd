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

    /// <summary>
    /// The full connection string of an emulator on the default ports with its default account, for tools that do
    /// not understand <c>UseDevelopmentStorage=true</c> (the Azure CLI). The well-known development key is read from
    /// the installed Azurite package rather than written into this repository.
    /// </summary>
    public static string? DevelopmentConnectionString()
    {
        var constants = FindRoot() is { } root ? Path.Combine(root, "node_modules/azurite/dist/src/common/utils/constants.js") : null;
        if (constants is null || !File.Exists(constants))
        {
            return null;
        }

        var match = System.Text.RegularExpressions.Regex.Match(File.ReadAllText(constants), @"EMULATOR_ACCOUNT_KEY\s*=\s*Buffer\.from\(""(?<key>[A-Za-z0-9+/=]+)""");
        return match.Success
            ? "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" + match.Groups["key"].Value
                + ";BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;QueueEndpoint=http://127.0.0.1:10001/devstoreaccount1;TableEndpoint=http://127.0.0.1:10002/devstoreaccount1;"
            : null;
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
