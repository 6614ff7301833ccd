using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NetworkBuster.Training.Hosting;
using NetworkBuster.Training.Orchestration;
using NetworkBuster.Training.Telemetry;

var builder = FunctionsApplication.CreateBuilder(args);

// ASP.NET Core integration: the HTTP triggers take HttpRequest and answer with the core handlers' results.
builder.ConfigureFunctionsWebApplication();
builder.Services.AddTrainingPipeline(builder.Configuration).AddTrainingOrchestration();
builder.Services.AddTrainingTelemetry(builder.Configuration).UseFunctionsWorkerDefaults();

// Worker-side filter: the SDKs' request chatter stays out of Application Insights; our categories keep Information.
builder.Logging.AddFilter("Azure.Core", LogLevel.Warning);
builder.Logging.AddFilter("Azure.Identity", LogLevel.Warning);
builder.Logging.AddFilter("Microsoft.DurableTask", LogLevel.Warning);
builder.Logging.AddFilter("NetworkBuster.Training", LogLevel.Information);
builder.Build().Run();
