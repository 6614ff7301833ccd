using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using NetworkBuster.Training.Orchestration;
using NetworkBuster.Training.Workflow;

namespace NetworkBuster.Training.Functions;

/// <summary>The Durable orchestrator: the shared <see cref="TrainingOrchestration"/>, the same code the local host runs.</summary>
public static class TrainingOrchestrator
{
    /// <summary>Ingest → train → evaluate → register for one job; instance id = job id; output = the workflow's result.</summary>
    [Function(TrainingOrchestration.Name)]
    public static Task<WorkflowResult> Run([OrchestrationTrigger] TaskOrchestrationContext context) =>
        TrainingOrchestration.RunAsync(context, context.GetInput<WorkflowInput>());
}
