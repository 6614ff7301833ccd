using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.Hosting;
using NetworkBuster.Training.Hosting;
using NetworkBuster.Training.Telemetry;

var builder = FunctionsApplication.CreateBuilder(args);
builder.Services.AddTrainingPipeline(builder.Configuration);
builder.Services.AddTrainingTelemetry(builder.Configuration).UseFunctionsWorkerDefaults();
builder.Build().Run();
