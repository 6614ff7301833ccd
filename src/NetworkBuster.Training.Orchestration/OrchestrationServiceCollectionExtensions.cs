using Microsoft.Extensions.DependencyInjection;

namespace NetworkBuster.Training.Orchestration;

/// <summary>Wires the orchestration's services, in both hosts, beside <c>AddTrainingPipeline</c>.</summary>
public static class OrchestrationServiceCollectionExtensions
{
    /// <summary>Adds the <see cref="OrchestrationStarter"/> and the <see cref="RunReconciler"/>.</summary>
    public static IServiceCollection AddTrainingOrchestration(this IServiceCollection services)
    {
        services.AddSingleton<OrchestrationStarter>();
        services.AddSingleton<RunReconciler>();
        return services;
    }
}
