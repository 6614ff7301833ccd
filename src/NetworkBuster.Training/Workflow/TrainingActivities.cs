using Microsoft.Extensions.Logging;
using NetworkBuster.Training.Contracts;
using NetworkBuster.Training.Datasets;
using NetworkBuster.Training.Notifications;
using NetworkBuster.Training.Registry;
using NetworkBuster.Training.Runs;
using NetworkBuster.Training.Steps;
using NetworkBuster.Training.Telemetry;

namespace NetworkBuster.Training.Workflow;

/// <summary>
/// The workflow's activities: each turns permanent failures (bad input, too little data, a refused model) into a
/// <see cref="StepResult{T}"/> failure and lets transient ones throw so the host's retry policy applies.
/// </summary>
/// <param name="ingestor">Ingest.</param>
/// <param name="trainer">Train.</param>
/// <param name="evaluator">Evaluate.</param>
/// <param name="registrar">Register.</param>
/// <param name="explainer">Explain (after register: the report).</param>
/// <param name="runs">Run rows.</param>
/// <param name="snapshots">Staging files.</param>
/// <param name="telemetry">Step durations, rows, runs, metrics.</param>
/// <param name="webhooks">Run events to webhooks.</param>
/// <param name="logger">Logger.</param>
public sealed class TrainingActivities(
    DatasetIngestor ingestor,
    ModelTrainer trainer,
    ModelEvaluator evaluator,
    ModelRegistrar registrar,
    ModelExplainer explainer,
    RunStore runs,
    SnapshotStore snapshots,
    TrainingTelemetry telemetry,
    WebhookSender webhooks,
    ILogger<TrainingActivities> logger)
{
    /// <summary>The ingest activity.</summary>
    public async Task<StepResult<IngestOutput>> IngestAsync(IngestInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var deadline = UntilDeadline(input, cancellationToken);
        var result = await Guard(RunStep.Ingest, input.Job, () => ingestor.IngestAsync(input.Job, deadline.Token), deadline.Token, cancellationToken);
        if (result.Value is { } output)
        {
            telemetry.RowsIngested(input.Job.Model, output.TrainRows + output.ValidationRows + output.TestRows);
            if (output.Drift is { } drift)
            {
                telemetry.DriftMeasured(input.Job.Model, drift.Features.Select(f => (f.Feature, f.Psi)));
            }
        }

        return result;
    }

    /// <summary>The train activity.</summary>
    public async Task<StepResult<TrainOutput>> TrainAsync(TrainInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var deadline = UntilDeadline(input, cancellationToken);
        return await Guard(RunStep.Train, input.Job, () => trainer.TrainAsync(input.Job, input.Ingest, deadline.Token), deadline.Token, cancellationToken);
    }

    /// <summary>The evaluate activity.</summary>
    public async Task<StepResult<EvaluateOutput>> EvaluateAsync(EvaluateInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var deadline = UntilDeadline(input, cancellationToken);
        return await Guard(RunStep.Evaluate, input.Job, () => evaluator.EvaluateAsync(input.Job, input.Ingest, input.Train, deadline.Token), deadline.Token, cancellationToken);
    }

    /// <summary>The register activity.</summary>
    public async Task<StepResult<RegisterOutput>> RegisterAsync(RegisterInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var result = await Guard(RunStep.Register, input.Job, () => registrar.RegisterAsync(input, cancellationToken), cancellationToken, cancellationToken);
        if (result.Value is not null)
        {
            telemetry.VersionRegistered(input.Job.Model, input.Evaluation.PrimaryMetric, input.Evaluation.PrimaryMetricValue);
        }

        return result;
    }

    /// <summary>
    /// The explain activity: the registered version's report. A permanent failure is recorded on the run row
    /// (<c>Insights</c> <c>failed</c>, with why) and staging emptied here; the version and the run's success stand.
    /// </summary>
    public async Task<StepResult<ExplainOutput>> ExplainAsync(ExplainInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var deadline = UntilDeadline(input, cancellationToken);
        var result = await Guard(RunStep.Explain, input.Job, () => explainer.ExplainAsync(input, deadline.Token), deadline.Token, cancellationToken);
        if (result.Failure is { } failure)
        {
            await runs.SetInsightsAsync(input.Job.JobId, InsightsState.Failed, failure.Message, cancellationToken);
            await snapshots.DeleteAsync(input.Ingest.SnapshotPrefix, cancellationToken);
        }

        return result;
    }

    /// <summary>The run-recording activity.</summary>
    public async Task<bool> RecordRunAsync(RunUpdate update, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(update);
        await runs.UpdateAsync(update, cancellationToken);
        if (RunStatus.IsTerminal(update.Status))
        {
            telemetry.RunEnded(update.Status, update.ErrorCode);
        }

        return true;
    }

    /// <summary>The cleanup activity: deletes a failed job's staging files.</summary>
    public async Task<bool> CleanupAsync(string jobId, CancellationToken cancellationToken = default)
    {
        await snapshots.DeleteAsync(jobId, cancellationToken);
        return true;
    }

    /// <summary>The notify activity: the events to the webhooks; how many deliveries succeeded. Never throws.</summary>
    public Task<int> NotifyAsync(NotifyInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        return webhooks.SendAsync(input.Events, input.Target, cancellationToken);
    }

    /// <summary>Dispatches an activity by name (used by the local host; Durable binds each function directly).</summary>
    public async Task<object> InvokeAsync(string name, object input, CancellationToken cancellationToken) => name switch
    {
        ActivityNames.Ingest => await IngestAsync((IngestInput)input, cancellationToken),
        ActivityNames.Train => await TrainAsync((TrainInput)input, cancellationToken),
        ActivityNames.Evaluate => await EvaluateAsync((EvaluateInput)input, cancellationToken),
        ActivityNames.Register => await RegisterAsync((RegisterInput)input, cancellationToken),
        ActivityNames.Explain => await ExplainAsync((ExplainInput)input, cancellationToken),
        ActivityNames.RecordRun => await RecordRunAsync((RunUpdate)input, cancellationToken),
        ActivityNames.Cleanup => await CleanupAsync((string)input, cancellationToken),
        ActivityNames.Notify => await NotifyAsync((NotifyInput)input, cancellationToken),
        _ => throw new ArgumentException($"Unknown activity '{name}'.", nameof(name)),
    };

    /// <summary>The host's cancellation, also cancelled at the job's deadline: the orchestration has moved on by then.</summary>
    // A cancel terminates the instance, but a step already running ends on its own: its output is dropped, and what
    // it staged after the cancel cleaned staging is deleted here.
    private async Task DiscardIfCancelledAsync(string step, string jobId)
    {
        if ((await runs.GetAsync(jobId, CancellationToken.None))?.Status == RunStatus.Cancelled)
        {
            logger.LogInformation("Step {Step} of {JobId} ended after the run was cancelled; deleting its staging", step, jobId);
            await snapshots.DeleteAsync(jobId, CancellationToken.None);
        }
    }

    private static CancellationTokenSource UntilDeadline(IHasDeadline input, CancellationToken cancellationToken)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (input.Deadline is { } deadline && deadline != DateTimeOffset.MaxValue)
        {
            source.CancelAfter(TimeSpan.FromTicks(Math.Max(0, (deadline - DateTimeOffset.UtcNow).Ticks)));
        }

        return source;
    }

    private async Task<StepResult<T>> Guard<T>(string name, TrainingJob? job, Func<Task<T>> step, CancellationToken stepToken, CancellationToken hostToken)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(job);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        bool succeeded = false;
        try
        {
            var value = StepResult.Ok(await step());
            succeeded = true;
            await DiscardIfCancelledAsync(name, job.JobId);
            return value;
        }
        catch (TrainingException ex)
        {
            logger.LogWarning("Step failed permanently: {ErrorCode} {ErrorMessage}", ex.Code, ex.Message);
            return StepResult.Fail<T>(ex.ToFailure());
        }
        catch (ModelIntegrityException ex)
        {
            logger.LogError("Refused a tampered model: {ErrorMessage}", ex.Message);
            return StepResult.Fail<T>(new JobFailure(ErrorCode.TrainingFailed, ex.Message));
        }
        catch (OperationCanceledException) when (stepToken.IsCancellationRequested && !hostToken.IsCancellationRequested)
        {
            logger.LogWarning("Step {Step} of {JobId} stopped at the job's deadline", name, job.JobId);
            return StepResult.Fail<T>(new JobFailure(ErrorCode.Timeout, $"Expected step '{name}' to finish within timeoutMinutes={job.TimeoutMinutes}, but the deadline passed; it stopped."));
        }
        catch (Azure.RequestFailedException ex) when (!FailureClassifier.IsTransient(ex))
        {
            // Storage refused a request for good: name the step and storage's own code, not the SDK's message dump.
            logger.LogError(ex, "Step {Step} failed permanently: storage refused a request", name);
            return StepResult.Fail<T>(new JobFailure(ErrorCode.TrainingFailed, $"Expected storage to accept step '{name}''s request, but it refused it with HTTP {ex.Status} ({ex.ErrorCode ?? "no error code"}); the host log has the request."));
        }
        catch (Exception ex) when (!FailureClassifier.IsTransient(ex) && !(ex is OperationCanceledException && hostToken.IsCancellationRequested))
        {
            // Retrying cannot fix it (FailureClassifier): record it once instead of failing three times.
            logger.LogError(ex, "Step {Step} failed permanently with an unexpected {ExceptionType}", name, ex.GetType().Name);
            return StepResult.Fail<T>(new JobFailure(ErrorCode.TrainingFailed, $"Expected step '{name}' to complete, but it failed with an unexpected {ex.GetType().Name}; the host log has its message under job '{job.JobId}'."));
        }
        finally
        {
            double seconds = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds;
            telemetry.StepFinished(name, job.Model, seconds, succeeded);
            logger.LogInformation("Step {Step} of {JobId} took {Seconds:F2}s ({Outcome})", name, job.JobId, seconds, succeeded ? "ok" : "failed");
        }
    }
}
