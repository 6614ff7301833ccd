using System.Collections.Concurrent;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NetworkBuster.Training.Admissions;
using NetworkBuster.Training.Contracts;
using NetworkBuster.Training.Functions;
using NetworkBuster.Training.Notifications;
using NetworkBuster.Training.Orchestration;
using NetworkBuster.Training.Runs;
using NetworkBuster.Training.Tests.Infrastructure;
using NetworkBuster.Training.Workflow;

namespace NetworkBuster.Training.Tests.Functions;

/// <summary>
/// The Functions app's own orchestrator and activity function methods, registered by their function names in
/// <see cref="DurableTaskTestHost"/> (the Durable Task engine in-process), with the real pipeline on a test Azurite.
/// Counts every call and failure of each function and can hold an activity at its entry (a gate), so a test can
/// read the instance between steps.
/// </summary>
public sealed class FunctionsTestHost : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, int> _calls = new();
    private readonly ConcurrentDictionary<string, int> _failures = new();
    private readonly ConcurrentDictionary<string, Gate> _gates = new();
    private readonly ConcurrentDictionary<string, object?> _inputs = new();
    private DurableTaskTestHost _host = null!;

    private FunctionsTestHost(ServiceProvider services) => Services = services;

    public ServiceProvider Services { get; }

    public DurableTaskClient Client => _host.Client;

    public RunStore Runs => Services.GetRequiredService<RunStore>();

    /// <summary>Orchestrator episodes run (each replays the history so far).</summary>
    public int OrchestratorEpisodes => Calls(nameof(TrainingOrchestrator));

    public int Calls(string function) => _calls.GetValueOrDefault(function);

    public int Failures(string function) => _failures.GetValueOrDefault(function);

    /// <summary>The input of the latest call of <paramref name="function"/>.</summary>
    public T Input<T>(string function) => (T)_inputs[function]!;

    public JobQueueFunctions QueueFunctions => ActivatorUtilities.CreateInstance<JobQueueFunctions>(Services);

    public RetrainingTimerFunctions TimerFunctions => ActivatorUtilities.CreateInstance<RetrainingTimerFunctions>(Services);

    public static async Task<FunctionsTestHost> StartAsync(string connection, IDictionary<string, string?>? settings = null)
    {
        var all = new Dictionary<string, string?>
        {
            // Seconds, not the production minute, so retries fit in a test; attempts and backoff as in production.
            ["Training:Workflow:ActivityFirstRetry"] = "00:00:01",
            ["Training:Workflow:ActivityMaxAttempts"] = "3",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        var provider = Pipeline.Services(connection, all, s => s.AddTrainingOrchestration());
        var host = new FunctionsTestHost(provider);
        var activities = new TrainingActivityFunctions(provider.GetRequiredService<TrainingActivities>());
        host._host = await DurableTaskTestHost.StartAsync(
            registry =>
            {
                registry.AddOrchestratorFunc<WorkflowInput, WorkflowResult>(nameof(TrainingOrchestrator), (context, _) =>
                {
                    host.Count(nameof(TrainingOrchestrator));
                    return TrainingOrchestrator.Run(context);
                });
                host.AddActivity<IngestInput, StepResult<IngestOutput>>(registry, nameof(activities.Ingest), input => activities.Ingest(input, CancellationToken.None));
                host.AddActivity<TrainInput, StepResult<TrainOutput>>(registry, nameof(activities.Train), input => activities.Train(input, CancellationToken.None));
                host.AddActivity<EvaluateInput, StepResult<EvaluateOutput>>(registry, nameof(activities.Evaluate), input => activities.Evaluate(input, CancellationToken.None));
                host.AddActivity<RegisterInput, StepResult<RegisterOutput>>(registry, nameof(activities.Register), input => activities.Register(input, CancellationToken.None));
                host.AddActivity<ExplainInput, StepResult<ExplainOutput>>(registry, nameof(activities.Explain), input => activities.Explain(input, CancellationToken.None));
                host.AddActivity<RunUpdate, bool>(registry, nameof(activities.RecordRun), input => activities.RecordRun(input, CancellationToken.None));
                host.AddActivity<string, bool>(registry, nameof(activities.Cleanup), input => activities.Cleanup(input, CancellationToken.None));
                host.AddActivity<NotifyInput, int>(registry, nameof(activities.Notify), input => activities.Notify(input, CancellationToken.None));
            },
            new DurableTaskTestHostOptions { Port = LoopbackPort.Free(), LoggerFactory = Environment.GetEnvironmentVariable("NBTRAIN_TEST_DURABLE_LOGS") is null ? NullLoggerFactory.Instance : Microsoft.Extensions.Logging.LoggerFactory.Create(b => b.AddSimpleConsole().SetMinimumLevel(Microsoft.Extensions.Logging.LogLevel.Debug)) });
        return host;
    }

    /// <summary>Holds <paramref name="function"/> at its entry until <see cref="Gate.Release"/>.</summary>
    public Gate Hold(string function) => _gates.GetOrAdd(function, _ => new Gate());

    /// <summary>Admits a job as the queue trigger does and starts it through the orchestration starter.</summary>
    public async Task<StartDecision> SubmitAsync(Contracts.TrainingJob job)
    {
        var admitted = await Services.GetRequiredService<JobAdmission>().AdmitAsync(job, RunTrigger.Queue);
        return await Services.GetRequiredService<OrchestrationStarter>().StartAsync(Client, admitted);
    }

    /// <summary>Polls the instance until it ends (Completed, Failed or Terminated).</summary>
    public async Task<OrchestrationMetadata> WaitForEndAsync(string instanceId, TimeSpan timeout)
    {
        OrchestrationMetadata? instance = null;
        await Eventually.HoldsAsync(async () => (instance = await Client.GetInstanceAsync(instanceId, getInputsAndOutputs: true)) is { IsCompleted: true }, timeout, $"instance {instanceId} to end");
        return instance!;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var gate in _gates.Values)
        {
            gate.Release();
        }

        await _host.DisposeAsync();
        await Services.DisposeAsync();
    }

    private void AddActivity<TInput, TOutput>(DurableTaskRegistry registry, string name, Func<TInput, Task<TOutput>> function) =>
        registry.AddActivityFunc<TInput, TOutput>(name, async (_, input) =>
        {
            Count(name);
            _inputs[name] = input;
            if (_gates.TryGetValue(name, out var gate))
            {
                await gate.ArriveAsync();
            }

            try
            {
                return await function(input);
            }
            catch
            {
                _failures.AddOrUpdate(name, 1, (_, n) => n + 1);
                throw;
            }
        });

    private void Count(string name) => _calls.AddOrUpdate(name, 1, (_, n) => n + 1);


    /// <summary>An activity held at its entry: the test waits for it to arrive, looks, then lets it go.</summary>
    public sealed class Gate
    {
        private readonly TaskCompletionSource _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Arrived => _arrived.Task;

        public void Release() => _released.TrySetResult();

        internal async Task ArriveAsync()
        {
            _arrived.TrySetResult();
            await _released.Task;
        }
    }
}
