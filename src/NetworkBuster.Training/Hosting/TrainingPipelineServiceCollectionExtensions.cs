using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using NetworkBuster.Training.Admissions;
using NetworkBuster.Training.Datasets;
using NetworkBuster.Training.Evaluation;
using NetworkBuster.Training.Registry;
using NetworkBuster.Training.Runs;
using NetworkBuster.Training.Steps;
using NetworkBuster.Training.Storage;
using NetworkBuster.Training.Workflow;

namespace NetworkBuster.Training.Hosting;

/// <summary>The one place the pipeline is wired, for the Functions app and the local host alike.</summary>
public static class TrainingPipelineServiceCollectionExtensions
{
    /// <summary>
    /// Adds the storage clients (from <c>AzureWebJobsStorage</c>), the steps, the registry and the activities.
    /// Settings: <c>Training:Ingest</c>, <c>Training:Gate</c>, <c>Training:Registry</c>, <c>Training:Workflow</c>.
    /// </summary>
    public static IServiceCollection AddTrainingPipeline(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddSingleton(_ => StorageConnection.Create(configuration));
        services.AddSingleton(Bind<IngestOptions>(configuration, "Training:Ingest"));
        services.AddSingleton(Bind<GateOptions>(configuration, "Training:Gate"));
        services.AddSingleton(Validated(Bind<WorkflowOptions>(configuration, WorkflowOptions.Section), o => o.Validate()));
        services.AddSingleton(Bind<RegistryOptions>(configuration, "Training:Registry"));
        services.AddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.AddSingleton<Telemetry.TrainingTelemetry>();
        services.AddSingleton<SnapshotStore>();
        services.AddSingleton<DatasetIngestor>();
        services.AddSingleton<ModelTrainer>();
        services.AddSingleton<ModelEvaluator>();
        services.AddSingleton<ModelRegistry>();
        services.AddSingleton<ModelStore>();
        services.AddSingleton<ModelRegistrar>();
        services.AddSingleton<RetentionPolicy>();
        services.AddSingleton<Scoring.BatchScorer>();
        services.AddSingleton<RunStore>();
        services.AddSingleton<TrainingActivities>();
        services.AddSingleton<JobAdmission>();
        services.AddSingleton<Scheduling.ScheduledJobPlanner>();
        services.AddSingleton<Scheduling.ScheduledRetraining>();
        return services;
    }

    /// <summary>Throws, naming every problem, when <paramref name="validate"/> finds any: options are checked at start.</summary>
    public static T Validated<T>(T options, Func<T, IEnumerable<string>> validate)
    {
        var problems = validate(options).ToList();
        return problems.Count == 0 ? options : throw new InvalidSettingsException(problems);
    }

    /// <summary>Binds a configuration section onto new options.</summary>
    public static T Bind<T>(IConfiguration configuration, string section)
        where T : new()
    {
        var options = new T();
        configuration.GetSection(section).Bind(options);
        return options;
    }
}
