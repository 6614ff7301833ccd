using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using NetworkBuster.Training.Workflow;

namespace NetworkBuster.Training.Functions;

/// <summary>The Durable orchestrator: the core's workflow, run over <see cref="DurableWorkflowContext"/>.</summary>
public static class TrainingOrchestrator
{
    /// <summary>Ingest → train → evaluate → register for one job; instance id = job id; output = the workflow's result.</summary>
    [Function(nameof(TrainingOrchestrator))]
    public static Task<WorkflowResult> Run([OrchestrationTrigger] TaskOrchestrationContext context)
    {
        var input = context.GetInput<WorkflowInput>()
            ?? throw new InvalidOperationException($"Orchestration {context.InstanceId} has no {nameof(WorkflowInput)}.");
        return TrainingWorkflow.RunAsync(new DurableWorkflowContext(context), input);
    }
}
