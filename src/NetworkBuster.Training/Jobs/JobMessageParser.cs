using System.Globalization;
using System.Text;
using System.Text.Json;
using NetworkBuster.Training.Contracts;
using NetworkBuster.Training.Presets;
using NetworkBuster.Training.Training;

namespace NetworkBuster.Training.Jobs;

/// <summary>
/// Turns a queue message (plain JSON, as <c>az storage message put</c> sends it, or base64 of it, as the
/// portal and SDKs send it) into a validated <see cref="TrainingJob"/>, enforcing every rule of the contract.
/// </summary>
public static class JobMessageParser
{
    /// <summary>The largest message accepted, in UTF-8 bytes (the queue service's own limit).</summary>
    public const int MaxMessageBytes = 64 * 1024;

    private static readonly string[] KnownFields =
        ["jobId", "model", "dataset", "trainer", "hyperparameters", "priority", "timeoutMinutes", "promotion", "spec", "split", "search", "threshold", "metric", "notify"];

    /// <summary>Parses and validates a message.</summary>
    /// <param name="text">The message text as received.</param>
    /// <param name="fallbackJobId">The job id to use when the message has none (stable across redeliveries, e.g. from the queue message id).</param>
    /// <returns>The job, or the failure with whatever job id and model could be read for the run row.</returns>
    public static JobParseResult Parse(string text, string fallbackJobId)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentException.ThrowIfNullOrEmpty(fallbackJobId);
        string jobId = fallbackJobId;
        string? model = null;
        try
        {
            using var document = JsonDocument.Parse(Decode(text), new JsonDocumentOptions { MaxDepth = 16 });
            var fields = ReadFields(document.RootElement);
            jobId = OptionalString(fields, "jobId") is { } id ? ValidJobId(id) : fallbackJobId;
            model = OptionalString(fields, "model");
            return new JobParseResult(jobId, model, Build(fields, jobId), null);
        }
        catch (TrainingException ex)
        {
            return new JobParseResult(jobId, model, null, ex.ToFailure());
        }
        catch (JsonException ex)
        {
            var where = ex.BytePositionInLine is { } position ? $" at byte {position + 1} of line {(ex.LineNumber ?? 0) + 1}" : "";
            return new JobParseResult(jobId, model, null, new JobFailure(ErrorCode.InvalidMessage, $"A job message must be valid JSON, but it is malformed{where}: {ex.Message.Split(" LineNumber", 2)[0]}"));
        }
    }

    internal static string Decode(string text)
    {
        if (Encoding.UTF8.GetByteCount(text) > MaxMessageBytes)
        {
            throw Invalid($"A job message must be at most {MaxMessageBytes} bytes, but found {Encoding.UTF8.GetByteCount(text)} bytes.");
        }

        var trimmed = text.Trim().TrimStart('\uFEFF');
        if (trimmed.StartsWith('{'))
        {
            return trimmed;
        }

        var buffer = new byte[trimmed.Length];
        if (trimmed.Length > 0 && Convert.TryFromBase64String(trimmed, buffer, out int written))
        {
            var decoded = Encoding.UTF8.GetString(buffer, 0, written).Trim().TrimStart('\uFEFF');
            if (decoded.StartsWith('{'))
            {
                return decoded;
            }
        }

        throw Invalid($"A job message must be a JSON object (plain or base64-encoded), but found \"{ContractNames.Truncate(trimmed, 80)}\".");
    }

    private static TrainingJob Build(Dictionary<string, JsonElement> fields, string jobId)
    {
        var model = OptionalString(fields, "model") ?? throw Invalid("'model' is required: a preset (" + PresetCatalog.Names + ") or a custom name with a 'spec', but it is missing.");
        var dataset = ContractNames.ValidateBlobName(
            OptionalString(fields, "dataset") ?? throw Invalid("'dataset' is required: a blob name inside 'ai-training-datasets', but it is missing."),
            "dataset");
        JsonElement? specElement = fields.TryGetValue("spec", out var s) && s.ValueKind != JsonValueKind.Null ? s.Clone() : null;
        var preset = PresetCatalog.Find(model);
        var spec = preset?.Spec;
        if (preset is null)
        {
            if (specElement is null)
            {
                throw new TrainingException(ErrorCode.UnknownModel, $"'model' must be a preset ({PresetCatalog.Names}) or a custom model with a 'spec', but found \"{ContractNames.Truncate(model)}\" and no 'spec'.");
            }

            if (!ContractNames.IsValidModelName(model))
            {
                throw Invalid($"A custom 'model' name must match {ContractNames.ModelNameRule}, but found \"{ContractNames.Truncate(model)}\".");
            }

            spec = SpecParser.Parse(specElement.Value);
        }
        else if (specElement is not null)
        {
            throw Invalid($"'spec' describes custom models; '{model}' is a preset with a fixed format, so 'spec' must be absent or null.");
        }

        var hyperparameters = ReadHyperparameters(fields);
        var search = fields.TryGetValue("search", out var se0) && se0.ValueKind != JsonValueKind.Null ? SearchSpecParser.Parse(se0, spec!.Task) : null;

        // A spec job names no trainer: auto, unless it asks for a search, which starts from a named one (fasttree, as before auto).
        // An anomaly model has one trainer, so its default and its auto are both pca.
        var trainer = OptionalString(fields, "trainer") ?? preset?.DefaultTrainer
            ?? (spec!.Task == ModelTask.Recommendation ? TrainerCatalog.MatrixFactorization.Name : search is null ? TrainerCatalog.Auto.Name : TrainerCatalog.FastTree.Name);
        if (spec!.Task == ModelTask.Anomaly)
        {
            trainer = trainer == TrainerCatalog.Auto.Name ? TrainerCatalog.Pca.Name : trainer;
            if (search is not null)
            {
                throw Invalid("'search' compares configurations on labelled validation rows, but an anomaly model learns from unlabeled rows: leave 'search' out and set the pca hyperparameters.");
            }
        }

        TrainerCatalog.Validate(spec.Task, trainer, hyperparameters, PresetCatalog.OptionsOf(model));
        if (search is not null && trainer == TrainerCatalog.Auto.Name)
        {
            throw Invalid("'search' tunes a named trainer, but 'trainer' is \"auto\", which runs its own comparison: leave 'search' out, or name a trainer.");
        }

        var splitElement = fields.TryGetValue("split", out var sp) && sp.ValueKind != JsonValueKind.Null ? sp
            : specElement is { } se && TryGetIgnoreCase(se, "split", out var inner) && inner.ValueKind != JsonValueKind.Null ? inner
            : (JsonElement?)null;
        var split = splitElement is { } e ? SpecParser.ParseSplit(e) : new SplitSpec(preset?.DefaultSplit ?? SplitSpec.Random);
        if (specElement is { } sd && TryGetIgnoreCase(sd, "seed", out var seed))
        {
            split = split with { Seed = seed.TryGetInt32(out int v) ? v : throw Invalid($"'spec.seed' must be a whole number, but found {seed.GetRawText()}.") };
        }

        if (split.Kind == SplitSpec.KFold)
        {
            CheckKFold(model, preset, spec.Task, search is not null);
        }

        var threshold = ReadThreshold(fields, specElement, model, spec.Task);
        var metric = ReadMetric(fields, model, spec.Task) ?? spec.Metric;
        if (metric is not null && spec.Task == ModelTask.Anomaly && !spec.HasLabel)
        {
            throw Invalid($"'metric' {metric} needs known anomalies to measure, but '{model}' is an anomaly model without 'spec.label': add the column that marks them, or leave 'metric' out.");
        }

        return new TrainingJob(
            jobId,
            model,
            dataset,
            trainer,
            hyperparameters,
            ParseEnum(fields, "priority", JobPriority.Normal),
            ReadTimeout(fields),
            ParseEnum(fields, "promotion", PromotionPolicy.Auto),
            specElement,
            split,
            search)
        {
            Threshold = threshold,
            Metric = metric,
            Notify = ReadNotify(fields),
        };
    }

    // 'notify': where this job's events go, besides the Training:Notifications:WebhookUrl setting.
    private static string? ReadNotify(Dictionary<string, JsonElement> fields)
    {
        if (!fields.TryGetValue("notify", out var e) || e.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        var text = e.ValueKind == JsonValueKind.String ? e.GetString() : e.GetRawText();
        return Notifications.WebhookAddress.Problem(text, "notify") is { } problem ? throw Invalid(problem) : text;
    }

    // 'metric' on the message: the primary metric of a preset (or of a spec, over spec.metric), among the task's.
    private static string? ReadMetric(Dictionary<string, JsonElement> fields, string model, ModelTask task)
    {
        if (!fields.TryGetValue("metric", out var e) || e.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        var allowed = Metrics.MetricCatalog.ForTask(task);
        var text = e.ValueKind == JsonValueKind.String ? e.GetString() : null;
        return Metrics.MetricCatalog.Find(task, text)?.Name
            ?? throw Invalid($"'metric' must be one of {string.Join(", ", allowed.Select(m => m.Name))} for '{model}' ({task.ToString().ToLowerInvariant()}), but found {ContractNames.Truncate(e.GetRawText())}.");
    }

    // 'threshold' on the message (presets and specs) or inside 'spec'; binary models only.
    private static string? ReadThreshold(Dictionary<string, JsonElement> fields, JsonElement? specElement, string model, ModelTask task)
    {
        var element = fields.TryGetValue("threshold", out var t) && t.ValueKind != JsonValueKind.Null ? t
            : specElement is { } se && TryGetIgnoreCase(se, "threshold", out var inner) && inner.ValueKind != JsonValueKind.Null ? inner
            : (JsonElement?)null;
        if (element is not { } e)
        {
            return null;
        }

        if (task != ModelTask.Binary)
        {
            throw Invalid(task == ModelTask.Anomaly
                ? $"'threshold' applies to binary models; '{model}' is an anomaly model, whose threshold flags the 'contamination' share of training rows (a pca hyperparameter), or is chosen on validation rows when a label marks known anomalies."
                : $"'threshold' applies to binary models, but '{model}' is a {task.ToString().ToLowerInvariant()} model.");
        }

        var text = e.ValueKind switch { JsonValueKind.String => e.GetString(), JsonValueKind.Number => e.GetRawText(), _ => null };
        return Metrics.ThresholdPolicy.TryParse(text)?.ToString()
            ?? throw Invalid($"'threshold' must be {Metrics.ThresholdPolicy.Expected}, but found {ContractNames.Truncate(e.GetRawText())}.");
    }

    private static void CheckKFold(string model, ModelPreset? preset, ModelTask task, bool search)
    {
        // Recommendations are cross-validated over interactions (Surprise's protocol), though their default split is by time.
        string? problem = task != ModelTask.Recommendation && preset?.DefaultSplit == SplitSpec.Time ? $"'{model}' is a time series, where random folds would look ahead; use a time split"
            : search ? "'search' needs a validation split, which kfold does not have"
            : task == ModelTask.Anomaly ? $"'{model}' is an anomaly model, whose threshold is chosen on held-out rows; use a random, time or files split"
            : null;
        if (problem is not null)
        {
            throw Invalid($"'split.kind' kfold does not apply here: {problem}.");
        }
    }

    private static Dictionary<string, JsonElement> ReadFields(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw Invalid($"A job message must be a JSON object, but found a JSON {root.ValueKind.ToString().ToLowerInvariant()}.");
        }

        var fields = new Dictionary<string, JsonElement>(StringComparer.OrdinalIgnoreCase);
        foreach (var property in root.EnumerateObject())
        {
            var known = KnownFields.FirstOrDefault(k => string.Equals(k, property.Name, StringComparison.OrdinalIgnoreCase))
                ?? throw Invalid($"A job message may have the fields {string.Join(", ", KnownFields)}, but found \"{ContractNames.Truncate(property.Name)}\".");
            if (!fields.TryAdd(known, property.Value))
            {
                throw Invalid($"Field '{known}' must appear once, but found it twice.");
            }
        }

        return fields;
    }

    private static string? OptionalString(Dictionary<string, JsonElement> fields, string name) =>
        !fields.TryGetValue(name, out var value) || value.ValueKind == JsonValueKind.Null ? null
        : value.ValueKind == JsonValueKind.String ? value.GetString()
        : throw Invalid($"'{name}' must be a string, but found {Describe(value)}.");

    private static string ValidJobId(string id) => ContractNames.IsValidJobId(id)
        ? id
        : throw Invalid($"'jobId' must match {ContractNames.JobIdRule}, but found \"{ContractNames.Truncate(id)}\".");

    private static Dictionary<string, double> ReadHyperparameters(Dictionary<string, JsonElement> fields)
    {
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        if (!fields.TryGetValue("hyperparameters", out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return result;
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new TrainingException(ErrorCode.InvalidHyperparameter, $"'hyperparameters' must be an object of names to numbers, but found {Describe(element)}.");
        }

        foreach (var property in element.EnumerateObject())
        {
            result[property.Name] = property.Value.ValueKind == JsonValueKind.Number && property.Value.TryGetDouble(out double v)
                ? v
                : throw new TrainingException(ErrorCode.InvalidHyperparameter, $"Hyperparameter '{ContractNames.Truncate(property.Name)}' must be a number, but found {Describe(property.Value)}.");
        }

        return result;
    }

    private static int ReadTimeout(Dictionary<string, JsonElement> fields)
    {
        if (!fields.TryGetValue("timeoutMinutes", out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return 30;
        }

        return element.ValueKind == JsonValueKind.Number && element.TryGetInt32(out int minutes) && minutes is >= 1 and <= 1440
            ? minutes
            : throw Invalid($"'timeoutMinutes' must be a whole number from 1 to 1440, but found {Describe(element)}.");
    }

    private static T ParseEnum<T>(Dictionary<string, JsonElement> fields, string name, T fallback)
        where T : struct, Enum
    {
        var text = OptionalString(fields, name);
        if (text is null)
        {
            return fallback;
        }

        return Enum.GetNames<T>().FirstOrDefault(n => string.Equals(n, text, StringComparison.OrdinalIgnoreCase)) is { } match
            ? Enum.Parse<T>(match)
            : throw Invalid($"'{name}' must be one of {string.Join(", ", Enum.GetNames<T>().Select(n => n.ToLowerInvariant()))}, but found \"{ContractNames.Truncate(text)}\".");
    }

    internal static bool TryGetIgnoreCase(JsonElement element, string name, out JsonElement value)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in element.EnumerateObject())
            {
                if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
                {
                    value = property.Value;
                    return true;
                }
            }
        }

        value = default;
        return false;
    }

    internal static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => $"the string \"{ContractNames.Truncate(value.GetString() ?? "")}\"",
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
        JsonValueKind.Null => "null",
        _ => $"a JSON {value.ValueKind.ToString().ToLowerInvariant()}",
    };

    internal static TrainingException Invalid(string message) => new(ErrorCode.InvalidMessage, message);

    internal static string Format(double value) => value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>The outcome of parsing a job message.</summary>
/// <param name="JobId">The job id (the message's, or the fallback when it had none or it was unreadable).</param>
/// <param name="Model">The model name, when it could be read.</param>
/// <param name="Job">The valid job, or null.</param>
/// <param name="Failure">Why the message is invalid, or null.</param>
public sealed record JobParseResult(string JobId, string? Model, TrainingJob? Job, JobFailure? Failure);
