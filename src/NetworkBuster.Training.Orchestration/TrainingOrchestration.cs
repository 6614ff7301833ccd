using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using NetworkBuster.Training.Contracts;
using NetworkBuster.Training.Runs;
using NetworkBuster.Training.Workflow;

namespace NetworkBuster.Training.Orchestration;

/// <summary>
/// The training orchestrator, the same code in the Functions app and the local host: the core's
/// <see cref="TrainingWorkflow"/> over <see cref="DurableWorkflowContext"/>, with an outermost handler so an
/// instance never ends while its run row still says Running.
/// </summary>
public static class TrainingOrchestration
{
    /// <summary>The orchestrator's name, in both hosts (the Functions app's function is named the same).</summary>
    public const string Name = "TrainingOrchestrator";

    /// <summary>Runs one job: ingest → train → evaluate → register; instance id = job id.</summary>
    /// <param name="context">The orchestration context.</param>
    /// <param name="input">The job and the retry policy it started with.</param>
    /// <returns>How the job ended.</returns>
    /// <exception cref="InvalidOperationException">When the instance has no input (it was not started by the starter).</exception>
    public static async Task<WorkflowResult> RunAsync(TaskOrchestrationContext context, WorkflowInput? input)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (input?.Job is null)
        {
            throw new InvalidOperationException($"Orchestration {context.InstanceId} has no {nameof(WorkflowInput)}; start it with the orchestration starter.");
        }

        var workflow = new DurableWorkflowContext(context, input.Retry ?? ActivityRetry.Default);
        try
        {
            return await TrainingWorkflow.RunAsync(workflow, input);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The workflow records step failures and timeouts itself; what reaches here is a failure to record one
            // (storage down through every retry of RecordRun) or a bug. Try once more; if that fails as well, the
            // instance fails and the run reconciler repairs the row from the instance's state.
            var code = ex is ActivityFailedException failed ? failed.Code : ErrorCode.TrainingFailed;
            var failure = new JobFailure(code, $"Expected the run to record its end, but recording failed: {ex.Message}");
            context.CreateReplaySafeLogger(Name).LogError("Training run {JobId} could not record its end: {ErrorMessage}", input.Job.JobId, ex.Message);
            await workflow.ReportAsync(new RunUpdate(input.Job.JobId, RunStatus.Failed, null, 100, workflow.CurrentUtc)
            {
                ErrorCode = failure.Code.ToString(),
                ErrorMessage = failure.Message,
            });
            return new WorkflowResult(RunStatus.Failed, null, false, failure);
        }
    }
}
