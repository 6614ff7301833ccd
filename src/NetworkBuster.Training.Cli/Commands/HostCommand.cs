using System.CommandLine;
using Microsoft.Extensions.Hosting;
using NetworkBuster.Training.Cli.Local;
using NetworkBuster.Training.Cli.Local.Http;

namespace NetworkBuster.Training.Cli.Commands;

/// <summary><c>nbtrain host</c>: the local host, listening on <c>ai-training-jobs</c> until Ctrl+C.</summary>
internal static class HostCommand
{
    private const string Name = "host";

    public static Command Create(CliServices cli)
    {
        var concurrency = new Option<int>("--concurrency") { Description = "CPU-heavy steps (ingest, train, evaluate) run at once, 1–64.", DefaultValueFactory = _ => 1 };
        var noTimers = new Option<bool>("--no-timers") { Description = "Do not run the retraining schedules (VisitorBehaviorSchedule, … settings)." };
        var httpPort = new Option<int>("--http-port") { Description = "The HTTP API's port on 127.0.0.1 (the one func start uses by default); 0 serves no API. Key: Training:Http:Key, else ~/.nbtrain/http-key.", DefaultValueFactory = _ => LocalHttpOptions.FuncStartPort };
        var command = new Command(Name, "Run the local host: listen on ai-training-jobs and run each job (ingest → train → evaluate → register) in-process. Without AzureWebJobsStorage it starts Azurite on the default ports (data in .azurite/).")
        {
            concurrency,
            noTimers,
            httpPort,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var storage = cli.StorageOf(parse);
            await using var azurite = storage.IsConfigured ? null : await StartAzuriteAsync(cancellationToken);
            if (azurite is not null)
            {
                Console.WriteLine("Storage: Azurite on 127.0.0.1:10000-10002 (UseDevelopmentStorage=true for nbtrain and the SDKs).");
                Console.WriteLine("For the Azure CLI, which needs the full connection string:");
                Console.WriteLine($"  export AZURE_STORAGE_CONNECTION_STRING=\"{AzuritePackage.DevelopmentConnectionString()}\"");
                Console.WriteLine("  az storage message put --queue-name ai-training-jobs --content '{\"model\":\"performance-optimizer\",\"dataset\":\"performance-optimizer/2025-01.csv\"}'");
            }

            IHost host;
            try
            {
                host = LocalHost.Build(azurite?.ConnectionString, Microsoft.Extensions.Logging.LogLevel.Information, settings: storage.SettingsWith([
                    new("Training:Host:MaxConcurrentJobs", parse.GetValue(concurrency).ToString(System.Globalization.CultureInfo.InvariantCulture)),
                    new(LocalHttpOptions.Section + ":Port", parse.GetValue(httpPort).ToString(System.Globalization.CultureInfo.InvariantCulture))]), timers: !parse.GetValue(noTimers));
            }
            catch (Hosting.InvalidSettingsException ex)
            {
                Console.Error.WriteLine("error: " + ex.Message + " (--concurrency sets Training:Host:MaxConcurrentJobs, --http-port Training:Http:Port)");
                return ExitCodes.InvalidInput;
            }

            using (host)
            {
                await host.RunAsync(cancellationToken);
            }

            return 0;
        });
        return command;
    }

    /// <summary>
    /// How a parsed command line is invoked. <c>host</c> leaves SIGINT and SIGTERM to the generic host's lifetime, which
    /// stops the listener, lets jobs in flight release their work and exits 0 within its 30 s shutdown timeout;
    /// System.CommandLine's own handling would end the process with 130 or 143 two seconds after the signal, in the
    /// middle of that stop. Every other command keeps it: its cancellation token is how Ctrl+C reaches it.
    /// </summary>
    public static InvocationConfiguration InvocationFor(ParseResult parse) =>
        parse.CommandResult.Command.Name == Name ? new InvocationConfiguration { ProcessTerminationTimeout = null } : new InvocationConfiguration();

    private static async Task<AzuriteServer?> StartAzuriteAsync(CancellationToken cancellationToken)
    {
        if (AzuriteServer.IsDefaultPortInUse())
        {
            Console.WriteLine("Storage: an emulator already listens on 127.0.0.1:10000; using UseDevelopmentStorage=true.");
            Environment.SetEnvironmentVariable("AzureWebJobsStorage", "UseDevelopmentStorage=true");
            return null;
        }

        var root = AzuritePackage.FindRoot() ?? Environment.CurrentDirectory;
        return await AzuriteServer.StartDefaultAsync(Path.Combine(root, ".azurite"), Console.Out, cancellationToken);
    }
}
