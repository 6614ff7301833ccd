using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NetworkBuster.Training.Admissions;
using NetworkBuster.Training.Datasets;
using NetworkBuster.Training.Drift;
using NetworkBuster.Training.Evaluation;
using NetworkBuster.Training.Notifications;
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
    /// Settings: <c>Training:Ingest</c>, <c>Training:Gate</c>, <c>Training:Registry</c>, <c>Training:Workflow</c>, <c>Training:Notifications</c>, <c>Training:Drift</c>.
    /// </summary>
    public static IServiceCollection AddTrainingPipeline(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddSingleton(_ => StorageConnection.Create(configuration));
        services.AddValidatedOptions<IngestOptions>(configuration, IngestOptions.Section, o => o.Validate());
        services.AddValidatedOptions<GateOptions>(configuration, GateOptions.Section, o => o.Validate());
        services.AddValidatedOptions<WorkflowOptions>(configuration, WorkflowOptions.Section, o => o.Validate());
        services.AddValidatedOptions<RegistryOptions>(configuration, RegistryOptions.Section, o => o.Validate());
        services.AddValidatedOptions<NotificationOptions>(configuration, NotificationOptions.Section, o => o.Validate());
        services.AddValidatedOptions<DriftOptions>(configuration, DriftOptions.Section, o => o.Validate());
        services.AddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.AddSingleton<Telemetry.TrainingTelemetry>();
        services.AddSingleton<SnapshotStore>();
        services.AddSingleton<DatasetProfiler>();
        services.AddSingleton<DriftCheck>();
        services.AddSingleton<DatasetIngestor>();
        services.AddSingleton<ModelTrainer>();
        services.AddSingleton<ModelEvaluator>();
        services.AddSingleton<ModelRegistry>();
        services.AddSingleton<ModelStore>();
        services.AddSingleton<ModelRegistrar>();
        services.AddSingleton<ModelExplainer>();
        services.AddSingleton<RetentionPolicy>();
        services.AddSingleton<Scoring.BatchScorer>();
        services.AddSingleton<RunStore>();
        services.AddSingleton<WebhookSender>();
        services.AddSingleton<TrainingActivities>();
        services.AddSingleton<JobAdmission>();
        services.AddSingleton<Scheduling.ScheduledJobPlanner>();
        services.AddSingleton<Scheduling.ScheduledRetraining>();
        services.AddSingleton<Api.JobsApi>();
        services.AddSingleton<Api.RunsApi>();
        services.AddSingleton<Api.ModelsApi>();
        services.AddSingleton<Scoring.ServingModelCache>();
        services.AddSingleton<Api.PredictApi>();
        return services;
    }

    /// <summary>
    /// Options bound from <paramref name="section"/> and checked by <paramref name="validate"/> when the host starts
    /// (<c>ValidateOnStart</c>) and whenever they are first read: a bad value stops the host with a message that names
    /// the setting, the value and the allowed range. Consumers take <typeparamref name="T"/> itself.
    /// </summary>
    public static OptionsBuilder<T> AddValidatedOptions<T>(this IServiceCollection services, IConfiguration configuration, string section, Func<T, IEnumerable<string>> validate)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddSingleton<IValidateOptions<T>>(new SettingsValidation<T>(validate));
        services.AddSingleton(sp =>
        {
            try
            {
                return sp.GetRequiredService<IOptions<T>>().Value;
            }
            catch (OptionsValidationException ex)
            {
                throw new InvalidSettingsException([.. ex.Failures]);
            }
        });
        return services.AddOptions<T>().Bind(configuration.GetSection(section)).ValidateOnStart();
    }

    /// <summary>
    /// Runs every <c>ValidateOnStart</c> check now (what a host does as it starts), so a builder can refuse bad settings
    /// before anything listens.
    /// </summary>
    /// <exception cref="InvalidSettingsException">Naming every problem.</exception>
    public static void ValidateSettings(IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        try
        {
            services.GetService<IStartupValidator>()?.Validate();
        }
        catch (OptionsValidationException ex)
        {
            throw new InvalidSettingsException([.. ex.Failures]);
        }
        catch (AggregateException ex) when (ex.InnerExceptions.All(e => e is OptionsValidationException))
        {
            throw new InvalidSettingsException([.. ex.InnerExceptions.Cast<OptionsValidationException>().SelectMany(e => e.Failures)]);
        }
    }

    private sealed class SettingsValidation<T>(Func<T, IEnumerable<string>> validate) : IValidateOptions<T>
        where T : class
    {
        public ValidateOptionsResult Validate(string? name, T options)
        {
            var problems = validate(options).ToList();
            return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
        }
    }
}
