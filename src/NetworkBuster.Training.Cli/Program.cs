using System.CommandLine;
using NetworkBuster.Training.Cli.Commands;

var connection = new Option<string?>("--connection")
{
    Description = "A storage connection string; defaults to AzureWebJobsStorage (connection string or identity-based __accountName/__*ServiceUri).",
    Recursive = true,
};
var root = new RootCommand("nbtrain: the NetworkBuster training pipeline's local host and operator CLI.")
{
    connection,
    HostCommand.Create(connection),
    DemoCommand.Create(connection),
    QualityCommand.Create(connection),
};
return await root.Parse(args).InvokeAsync();
