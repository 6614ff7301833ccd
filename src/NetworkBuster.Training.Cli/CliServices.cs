using System.CommandLine;
using System.Net.Sockets;
using Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NetworkBuster.Training.Cli.Local;
using NetworkBuster.Training.Hosting;
using NetworkBuster.Training.Registry;
using NetworkBuster.Training.Storage;

namespace NetworkBuster.Training.Cli;

/// <summary>Exit codes scripts can rely on.</summary>
internal static class ExitCodes
{
    public const int Success = 0;
    public const int Failed = 1;
    public const int InvalidInput = 2;
    public const int NotFound = 3;
    public const int StorageUnavailable = 4;
}

/// <summary>The options every command shares, and how commands reach the pipeline's services.</summary>
internal sealed class CliServices
{
    public Option<string?> Connection { get; } = new("--connection")
    {
        Description = "Storage connection string (default: AzureWebJobsStorage in any of its forms, else UseDevelopmentStorage=true).",
        Recursive = true,
    };

    public Option<string?> AccountName { get; } = new("--account-name")
    {
        Description = "Storage account name, reached with DefaultAzureCredential (az login, managed identity…).",
        Recursive = true,
    };

    public Option<bool> Json { get; } = new("--json") { Description = "Write JSON for scripts instead of tables.", Recursive = true };

    /// <summary>Runs a command body with the pipeline's services, mapping failures to exit codes and clear messages.</summary>
    public async Task<int> RunAsync(ParseResult parse, Func<IServiceProvider, Task<int>> body)
    {
        try
        {
            await using var services = Build(parse);
            return await body(services);
        }
        catch (NotFoundException ex)
        {
            return Fail(ex.Message, ExitCodes.NotFound);
        }
        catch (RegistryException ex)
        {
            return Fail(ex.Message, ExitCodes.Failed);
        }
        catch (InvalidSettingsException ex)
        {
            return Fail(ex.Message, ExitCodes.InvalidInput);
        }
        catch (ModelIntegrityException ex)
        {
            return Fail(ex.Message, ExitCodes.Failed);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or FileNotFoundException or Contracts.TrainingException)
        {
            return Fail(ex.Message, ExitCodes.InvalidInput);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return Fail(ex.Message.Split('\n')[0], ExitCodes.NotFound);
        }
        catch (Exception ex) when (ex is RequestFailedException or HttpRequestException or SocketException or Azure.Identity.AuthenticationFailedException or Azure.Identity.CredentialUnavailableException || Workflow.FailureClassifier.IsTransient(ex))
        {
            return Fail("Storage is unavailable: " + ex.Message.Split('\n')[0], ExitCodes.StorageUnavailable);
        }
    }

    /// <summary>The storage the global options point at.</summary>
    public StorageChoice StorageOf(ParseResult parse) => new(parse.GetValue(Connection), parse.GetValue(AccountName));

    private ServiceProvider Build(ParseResult parse)
    {
        // An operator waits at the prompt: fail fast rather than ride out a long outage as the host does.
        var settings = StorageOf(parse).SettingsWith([new("Training:Storage:MaxRetries", "2")]);

        var configuration = new ConfigurationBuilder().AddEnvironmentVariables().AddInMemoryCollection(settings).Build();
        if (!StorageConnection.IsConfigured(configuration))
        {
            configuration = new ConfigurationBuilder().AddConfiguration(configuration)
                .AddInMemoryCollection([new(StorageNames.ConnectionSetting, "UseDevelopmentStorage=true")]).Build();
        }

        return new ServiceCollection()
            .AddLogging(b => b.SetMinimumLevel(LogLevel.Warning))
            .AddSingleton<IConfiguration>(configuration)
            .AddTrainingPipeline(configuration)
            .BuildServiceProvider();
    }

    private static int Fail(string message, int code)
    {
        Console.Error.WriteLine("error: " + message);
        return code;
    }
}
