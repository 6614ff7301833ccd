using Microsoft.DurableTask;
using NetworkBuster.Training.Contracts;
using NetworkBuster.Training.Notifications;
using NetworkBuster.Training.Runs;
using NetworkBuster.Training.Workflow;

namespace NetworkBuster.Training.Orchestration;

/// <summary>
/// Registers the training orchestrator and its activities with a Durable Task worker under the names the Functions
/// app gives its functions, each calling the same <see cref="TrainingActivities"/>. The local host uses it; the
/// Functions app binds its own function methods to the same code.
/// </summary>
public static class TrainingTasks
{
    /// <summary>Adds the orchestrator (typed input, so <c>GetInput</c> sees a <see cref="WorkflowInput"/>) and the activities.</summary>
    public static DurableTaskRegistry AddTrainingTasks(this DurableTaskRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.AddOrchestratorFunc<WorkflowInput, WorkflowResult>(TrainingOrchestration.Name, (context, input) => TrainingOrchestration.RunAsync(context, input));
        registry.AddActivity<IngestActivity>(ActivityNames.Ingest);
        registry.AddActivity<TrainActivity>(ActivityNames.Train);
        registry.AddActivity<EvaluateActivity>(ActivityNames.Evaluate);
        registry.AddActivity<RegisterActivity>(ActivityNames.Register);
        registry.AddActivity<ExplainActivity>(ActivityNames.Explain);
        registry.AddActivity<RecordRunActivity>(ActivityNames.RecordRun);
        registry.AddActivity<CleanupActivity>(ActivityNames.Cleanup);
        registry.AddActivity<NotifyActivity>(ActivityNames.Notify);
        return registry;
    }
}

/// <summary>
/// Limits how many CPU-heavy steps (ingest, train, evaluate) run at once in one host, while the short ones (run
/// records, cleanup, register) never wait behind a long fit; and carries the host's stopping signal to them.
/// </summary>
/// <param name="count">Heavy steps at once.</param>
/// <param name="stopping">Host shutdown.</param>
public sealed class StepSlots(int count, CancellationToken stopping) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(Math.Max(1, count));
    private int _inUse;
    private int _peak;

    /// <summary>The most heavy steps that have run at once in this host.</summary>
    public int Peak => Volatile.Read(ref _peak);

    /// <summary>Runs a heavy step in a slot.</summary>
    public async Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> step)
    {
        ArgumentNullException.ThrowIfNull(step);
        await _slots.WaitAsync(stopping);
        int inUse = Interlocked.Increment(ref _inUse);
        for (int peak = Peak; inUse > peak && Interlocked.CompareExchange(ref _peak, inUse, peak) != peak; peak = Peak)
        {
        }

        try
        {
            return await step(stopping);
        }
        finally
        {
            Interlocked.Decrement(ref _inUse);
            _slots.Release();
        }
    }

    /// <summary>Host shutdown.</summary>
    public CancellationToken Stopping => stopping;

    /// <inheritdoc />
    public void Dispose() => _slots.Dispose();
}

internal sealed class IngestActivity(TrainingActivities activities, StepSlots slots) : TaskActivity<IngestInput, StepResult<IngestOutput>>
{
    public override Task<StepResult<IngestOutput>> RunAsync(TaskActivityContext context, IngestInput input) => slots.RunAsync(token => activities.IngestAsync(input, token));
}

internal sealed class TrainActivity(TrainingActivities activities, StepSlots slots) : TaskActivity<TrainInput, StepResult<TrainOutput>>
{
    public override Task<StepResult<TrainOutput>> RunAsync(TaskActivityContext context, TrainInput input) => slots.RunAsync(token => activities.TrainAsync(input, token));
}

internal sealed class EvaluateActivity(TrainingActivities activities, StepSlots slots) : TaskActivity<EvaluateInput, StepResult<EvaluateOutput>>
{
    public override Task<StepResult<EvaluateOutput>> RunAsync(TaskActivityContext context, EvaluateInput input) => slots.RunAsync(token => activities.EvaluateAsync(input, token));
}

internal sealed class RegisterActivity(TrainingActivities activities, StepSlots slots) : TaskActivity<RegisterInput, StepResult<RegisterOutput>>
{
    public override Task<StepResult<RegisterOutput>> RunAsync(TaskActivityContext context, RegisterInput input) => activities.RegisterAsync(input, slots.Stopping);
}

// Off the decision path, and never ahead of a job's heavy step: explain waits for a slot like one.
internal sealed class ExplainActivity(TrainingActivities activities, StepSlots slots) : TaskActivity<ExplainInput, StepResult<ExplainOutput>>
{
    public override Task<StepResult<ExplainOutput>> RunAsync(TaskActivityContext context, ExplainInput input) => slots.RunAsync(token => activities.ExplainAsync(input, token));
}

internal sealed class RecordRunActivity(TrainingActivities activities, StepSlots slots) : TaskActivity<RunUpdate, bool>
{
    public override Task<bool> RunAsync(TaskActivityContext context, RunUpdate input) => activities.RecordRunAsync(input, slots.Stopping);
}

internal sealed class CleanupActivity(TrainingActivities activities, StepSlots slots) : TaskActivity<string, bool>
{
    public override Task<bool> RunAsync(TaskActivityContext context, string input) => activities.CleanupAsync(input, slots.Stopping);
}

internal sealed class NotifyActivity(TrainingActivities activities, StepSlots slots) : TaskActivity<NotifyInput, int>
{
    public override Task<int> RunAsync(TaskActivityContext context, NotifyInput input) => activities.NotifyAsync(input, slots.Stopping);
}
