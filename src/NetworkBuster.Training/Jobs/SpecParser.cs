using System.Text.Json;
using NetworkBuster.Training.Contracts;
using NetworkBuster.Training.Metrics;
using static NetworkBuster.Training.Jobs.JobMessageParser;

namespace NetworkBuster.Training.Jobs;

/// <summary>Reads the <c>spec</c> and <c>split</c> objects of a job message.</summary>
internal static class SpecParser
{
    private static readonly string[] SpecFields = ["task", "label", "features", "split", "seed", "metric", "threshold"];

    /// <summary>Parses a custom model's spec; features are resolved against the CSV header at ingest.</summary>
    /// <param name="spec">The <c>spec</c> element.</param>
    /// <returns>The tabular problem it describes.</returns>
    /// <exception cref="TrainingException">With <see cref="ErrorCode.InvalidMessage"/> naming the field.</exception>
    public static TabularSpec Parse(JsonElement spec)
    {
        if (spec.ValueKind != JsonValueKind.Object)
        {
            throw Invalid($"'spec' must be an object with task, label and optional features, split and seed, but found {Describe(spec)}.");
        }

        foreach (var property in spec.EnumerateObject())
        {
            if (!SpecFields.Contains(property.Name, StringComparer.OrdinalIgnoreCase))
            {
                throw Invalid($"'spec' may have the fields {string.Join(", ", SpecFields)}, but found \"{ContractNames.Truncate(property.Name)}\".");
            }
        }

        var taskText = RequiredString(spec, "task", "spec.task");
        var task = taskText.ToLowerInvariant() switch
        {
            "binary" => ModelTask.Binary,
            "multiclass" => ModelTask.Multiclass,
            "regression" => ModelTask.Regression,
            "recommendation" => ModelTask.Recommendation,
            "anomaly" => ModelTask.Anomaly,
            _ => throw Invalid($"'spec.task' must be one of binary, multiclass, regression, recommendation, anomaly, but found \"{ContractNames.Truncate(taskText)}\"."),
        };

        // An anomaly model learns from unlabeled rows: its label, when given, only marks known anomalies for evaluation.
        var label = task == ModelTask.Anomaly && !HasValue(spec, "label") ? TabularSpec.NoLabel : RequiredString(spec, "label", "spec.label");
        var features = new List<FeatureColumn>();
        if (TryGetIgnoreCase(spec, "features", out var list) && list.ValueKind != JsonValueKind.Null)
        {
            if (list.ValueKind != JsonValueKind.Array)
            {
                throw Invalid($"'spec.features' must be an array of column names or {{\"name\":…,\"type\":…}} objects, but found {Describe(list)}.");
            }

            features.AddRange(list.EnumerateArray().Select(ParseFeature));
        }

        if (features.Any(f => f.Name == label))
        {
            throw Invalid($"'spec.features' must not include the label column '{label}'.");
        }

        string? metric = null;
        if (TryGetIgnoreCase(spec, "metric", out var metricElement) && metricElement.ValueKind != JsonValueKind.Null)
        {
            var allowed = MetricCatalog.ForTask(task);
            var text = metricElement.ValueKind == JsonValueKind.String ? metricElement.GetString()! : "";
            metric = MetricCatalog.Find(task, text)?.Name
                ?? throw Invalid($"'spec.metric' must be one of {string.Join(", ", allowed.Select(m => m.Name))} for task {taskText.ToLowerInvariant()}, but found {Describe(metricElement)}.");
            if (task == ModelTask.Anomaly && label == TabularSpec.NoLabel)
            {
                throw Invalid($"'spec.metric' {metric} needs known anomalies to measure, but this anomaly spec has no 'label': add the column that marks them, or leave 'metric' out.");
            }
        }

        return new TabularSpec(task, label, features, Metric: metric);
    }

    /// <summary>Parses a <c>split</c> object.</summary>
    /// <param name="split">The <c>split</c> element.</param>
    /// <returns>The split.</returns>
    /// <exception cref="TrainingException">With <see cref="ErrorCode.InvalidMessage"/> naming the field.</exception>
    public static SplitSpec ParseSplit(JsonElement split)
    {
        if (split.ValueKind != JsonValueKind.Object)
        {
            throw Invalid($"'split' must be an object such as {{\"kind\":\"random\",\"test\":0.2,\"validation\":0.1}}, but found {Describe(split)}.");
        }

        var kind = RequiredString(split, "kind", "split.kind").ToLowerInvariant();
        var result = new SplitSpec(kind);
        if (kind is SplitSpec.Random or SplitSpec.Time)
        {
            result = result with { Test = Fraction(split, "test", 0.2), Validation = Fraction(split, "validation", 0.1) };
            if (result.Test + result.Validation >= 0.9)
            {
                throw Invalid($"'split.test' + 'split.validation' must leave at least 10% of rows to train on, but found {Format(result.Test)} + {Format(result.Validation)}.");
            }

            if (kind == SplitSpec.Time && TryGetIgnoreCase(split, "column", out _))
            {
                result = result with { Column = RequiredString(split, "column", "split.column") };
            }
        }
        else if (kind == SplitSpec.Files)
        {
            result = result with { TestBlob = ContractNames.ValidateBlobName(RequiredString(split, "test", "split.test"), "split.test"), Test = 0 };
        }
        else if (kind == SplitSpec.KFold)
        {
            result = result with
            {
                Folds = TryGetIgnoreCase(split, "folds", out var f) && f.TryGetInt32(out int folds) && folds is >= 2 and <= 20
                    ? folds
                    : throw Invalid("'split.folds' must be a whole number from 2 to 20."),
            };
        }
        else
        {
            throw Invalid($"'split.kind' must be one of random, time, files, kfold, but found \"{ContractNames.Truncate(kind)}\".");
        }

        if (TryGetIgnoreCase(split, "seed", out var seed))
        {
            result = result with { Seed = seed.TryGetInt32(out int s) ? s : throw Invalid($"'split.seed' must be a whole number, but found {Describe(seed)}.") };
        }

        return result;
    }

    private static FeatureColumn ParseFeature(JsonElement element)
    {
        if (element.ValueKind == JsonValueKind.String)
        {
            return new FeatureColumn(element.GetString()!, FeatureKind.Inferred);
        }

        var name = RequiredString(element, "name", "spec.features[].name");
        var type = TryGetIgnoreCase(element, "type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : "inferred";
        return Enum.TryParse<FeatureKind>(type, ignoreCase: true, out var kind)
            ? new FeatureColumn(name, kind)
            : throw Invalid($"'spec.features[].type' must be one of numeric, categorical, text, timestamp (or omitted to infer it), but found \"{ContractNames.Truncate(type)}\" for '{name}'.");
    }

    private static bool HasValue(JsonElement element, string name) =>
        TryGetIgnoreCase(element, name, out var value) && value.ValueKind != JsonValueKind.Null;

    private static string RequiredString(JsonElement element, string name, string path) =>
        TryGetIgnoreCase(element, name, out var value) && value.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(value.GetString())
            ? value.GetString()!
            : throw Invalid($"'{path}' is required and must be a non-empty string.");

    private static double Fraction(JsonElement element, string name, double fallback)
    {
        if (!TryGetIgnoreCase(element, name, out var value))
        {
            return fallback;
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out double d) && d is >= 0 and < 1
            ? d
            : throw Invalid($"'split.{name}' must be a number from 0 up to 1, but found {Describe(value)}.");
    }
}
