using System.CommandLine;
using NetworkBuster.Training.Cli;
using NetworkBuster.Training.Cli.Commands;

var cli = new CliServices();
var root = new RootCommand("""
    nbtrain: the NetworkBuster training pipeline's local host and operator CLI.
    Storage: --connection, --account-name (DefaultAzureCredential), or AzureWebJobsStorage; UseDevelopmentStorage=true otherwise.
    Exit codes: 0 success, 1 failed (run failed, request refused), 2 invalid input, 3 not found, 4 storage unavailable.
    """)
{
    cli.Connection,
    cli.AccountName,
    cli.Json,
    DemoCommand.Create(cli),
    HostCommand.Create(cli),
    SubmitCommand.Create(cli),
    RunsCommand.Create(cli),
    ModelsCommand.Create(cli),
    DatasetsCommand.Create(cli),
    PredictCommand.Create(cli),
    DriftCommand.Create(cli),
    QualityCommand.Create(cli),
    BenchCommand.Create(cli),
};
var parse = root.Parse(args);
if (parse.Errors.Count > 0)
{
    foreach (var error in parse.Errors)
    {
        Console.Error.WriteLine("error: " + error.Message);
    }

    Console.Error.WriteLine("See nbtrain --help.");
    return ExitCodes.InvalidInput;
}

// --account-name is the identity-based form of AzureWebJobsStorage; set it where every command (the local host
// included) reads its settings.
if (parse.GetValue(cli.AccountName) is { Length: > 0 } account)
{
    Environment.SetEnvironmentVariable("AzureWebJobsStorage__accountName", account);
}

return await parse.InvokeAsync(HostCommand.InvocationFor(parse));
