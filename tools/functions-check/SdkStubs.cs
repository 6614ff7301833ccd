// Stand-ins for the Azure Functions worker and Durable Task SDK types the Functions project uses, with the
// signatures copied from their sources (Azure/azure-functions-dotnet-worker, Azure/azure-functions-durable-extension,
// microsoft/durabletask-dotnet). Bodies throw: this project is compiled, never run.
#pragma warning disable CA1019, CA1711, CA1716, CA1813, CA2225, CS1591, IDE0060, CA1822, CA1002, CA1034, CA1062, CA1510, CA1003
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Microsoft.Azure.Functions.Worker
{
    [AttributeUsage(AttributeTargets.Method)]
    public sealed class FunctionAttribute(string name) : Attribute
    {
        public string Name { get; } = name;
    }

    [AttributeUsage(AttributeTargets.Parameter)]
    public sealed class QueueTriggerAttribute(string queueName) : Attribute
    {
        public string QueueName { get; } = queueName;

        public string? Connection { get; set; }
    }

    [AttributeUsage(AttributeTargets.Parameter)]
    public sealed class TimerTriggerAttribute(string schedule) : Attribute
    {
        public string Schedule { get; } = schedule;

        public bool UseMonitor { get; set; } = true;

        public bool RunOnStartup { get; set; }
    }

    public class TimerInfo
    {
        public ScheduleStatus? ScheduleStatus { get; set; }

        public bool IsPastDue { get; set; }
    }

    public class ScheduleStatus
    {
        public DateTime Last { get; set; }

        public DateTime Next { get; set; }

        public DateTime LastUpdated { get; set; }
    }

    [AttributeUsage(AttributeTargets.Parameter)]
    public sealed class OrchestrationTriggerAttribute : Attribute;

    [AttributeUsage(AttributeTargets.Parameter)]
    public sealed class ActivityTriggerAttribute : Attribute;

    [AttributeUsage(AttributeTargets.Parameter)]
    public sealed class DurableClientAttribute : Attribute
    {
        public string? TaskHub { get; set; }

        public string? ConnectionName { get; set; }
    }
}

namespace Microsoft.DurableTask
{
    public readonly struct TaskName(string name)
    {
        public string Name { get; } = name;

        public static implicit operator TaskName(string name) => new(name);
    }

    public record TaskFailureDetails(string ErrorType, string ErrorMessage, string? StackTrace, TaskFailureDetails? InnerFailure, IDictionary<string, object?>? Properties)
    {
        public bool IsCausedBy<T>()
            where T : Exception => throw new NotSupportedException();
    }

    public sealed class TaskFailedException(string taskName, int taskId, TaskFailureDetails failureDetails) : Exception(failureDetails.ErrorMessage)
    {
        public string TaskName { get; } = taskName;

        public int TaskId { get; } = taskId;

        public TaskFailureDetails FailureDetails { get; } = failureDetails;
    }

    public class RetryPolicy
    {
        public RetryPolicy(int maxNumberOfAttempts, TimeSpan firstRetryInterval, double backoffCoefficient = 1.0, TimeSpan? maxRetryInterval = null, TimeSpan? retryTimeout = null)
        {
        }

        public Func<TaskFailureDetails, bool> HandleTaskFailureDetails { init { } }
    }

    public class TaskRetryOptions
    {
        public static implicit operator TaskRetryOptions(RetryPolicy policy) => new();
    }

    public record TaskOptions
    {
        public TaskOptions(TaskRetryOptions? retry = null, IDictionary<string, string>? tags = null)
        {
        }

        public static TaskOptions FromRetryPolicy(RetryPolicy policy) => new(policy);
    }

    public record StartOrchestrationOptions
    {
        public StartOrchestrationOptions(string? InstanceId = null, DateTimeOffset? StartAt = null)
        {
            this.InstanceId = InstanceId;
            this.StartAt = StartAt;
        }

        public string? InstanceId { get; init; }

        public DateTimeOffset? StartAt { get; init; }
    }

    public abstract class TaskOrchestrationContext
    {
        public abstract TaskName Name { get; }

        public abstract string InstanceId { get; }

        public abstract DateTime CurrentUtcDateTime { get; }

        public abstract bool IsReplaying { get; }

        public abstract T? GetInput<T>();

        public abstract Task<TResult> CallActivityAsync<TResult>(TaskName name, object? input = null, TaskOptions? options = null);

        public abstract Task CreateTimer(DateTime fireAt, CancellationToken cancellationToken);

        public abstract void SetCustomStatus(object? customStatus);

        public ILogger CreateReplaySafeLogger(string categoryName) => throw new NotSupportedException();
    }
}

namespace Microsoft.DurableTask.Client
{
    public enum OrchestrationRuntimeStatus
    {
        Running,
        Completed,
        ContinuedAsNew,
        Failed,
        Canceled,
        Terminated,
        Pending,
        Suspended,
    }

    public sealed class OrchestrationMetadata(string name, string instanceId)
    {
        public string Name { get; } = name;

        public string InstanceId { get; } = instanceId;

        public OrchestrationRuntimeStatus RuntimeStatus { get; init; }
    }

    public abstract class DurableTaskClient
    {
        public virtual Task<OrchestrationMetadata?> GetInstanceAsync(string instanceId, CancellationToken cancellation) => throw new NotSupportedException();

        public abstract Task<OrchestrationMetadata?> GetInstanceAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default);

        public abstract Task<string> ScheduleNewOrchestrationInstanceAsync(Microsoft.DurableTask.TaskName orchestratorName, object? input = null, Microsoft.DurableTask.StartOrchestrationOptions? options = null, CancellationToken cancellation = default);
    }
}

namespace Microsoft.Azure.Functions.Worker.Builder
{

    public class FunctionsApplication
    {
        public static FunctionsApplicationBuilder CreateBuilder(string[] args) => throw new NotSupportedException();
    }

    public class FunctionsApplicationBuilder : IHostApplicationBuilder
    {
        public IDictionary<object, object> Properties => throw new NotSupportedException();

        public IConfigurationManager Configuration => throw new NotSupportedException();

        public IHostEnvironment Environment => throw new NotSupportedException();

        public ILoggingBuilder Logging => throw new NotSupportedException();

        public IMetricsBuilder Metrics => throw new NotSupportedException();

        public IServiceCollection Services => throw new NotSupportedException();

        public IHost Build() => throw new NotSupportedException();

        public void ConfigureContainer<TContainerBuilder>(IServiceProviderFactory<TContainerBuilder> factory, Action<TContainerBuilder>? configure = null)
            where TContainerBuilder : notnull => throw new NotSupportedException();
    }
}

namespace Microsoft.Azure.Functions.Worker.OpenTelemetry
{
    // src/DotNetWorker.OpenTelemetry/ConfigureFunctionsOpenTelemetry.cs: extends the concrete OpenTelemetryBuilder.
    public static class ConfigureFunctionsOpenTelemetry
    {
        public static global::OpenTelemetry.OpenTelemetryBuilder UseFunctionsWorkerDefaults(this global::OpenTelemetry.OpenTelemetryBuilder builder) => builder;
    }
}
