using System.Globalization;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using NetworkBuster.Training.Contracts;
using NetworkBuster.Training.Datasets;
using NetworkBuster.Training.Evaluation;
using NetworkBuster.Training.Registry;
using NetworkBuster.Training.Training;

namespace NetworkBuster.Training.Scoring;

/// <summary>
/// A registered version loaded once for online scoring: its hash-verified model, input schema and decision threshold.
/// Rows arrive as JSON objects of named input columns and are mapped exactly as <c>nbtrain predict</c> maps CSV rows.
/// Thread-safe: ML.NET transformers are immutable, and each call maps its own rows.
/// </summary>
public sealed class ServingModel
{
    private readonly ITransformer _model;
    // The input columns a row must carry (the CSV columns the model was trained on).
    private readonly IReadOnlyList<string> _inputColumns;

    /// <summary>Wraps a loaded model.</summary>
    /// <param name="version">The version.</param>
    /// <param name="schema">Its input schema.</param>
    /// <param name="threshold">Its stored decision threshold, if any.</param>
    /// <param name="model">The model.</param>
    /// <param name="contentIds">For a recommender, the content ids it ranks (null when its zip predates catalogs).</param>
    public ServingModel(ModelVersionRef version, SnapshotSchema schema, double? threshold, ITransformer model, IReadOnlyList<string>? contentIds)
    {
        ArgumentNullException.ThrowIfNull(schema);
        Version = version;
        Schema = schema;
        Threshold = threshold;
        _model = model;
        ContentIds = contentIds;
        _inputColumns = [.. schema.ToTabularSpec().Features.Select(f => f.Name)];
    }

    /// <summary>The version.</summary>
    public ModelVersionRef Version { get; }

    /// <summary>Its input schema.</summary>
    public SnapshotSchema Schema { get; }

    /// <summary>The version's decision threshold (binary: on the probability, 0.5 when absent; anomaly: on the score).</summary>
    public double? Threshold { get; }

    /// <summary>For a recommender, the content ids it ranks.</summary>
    public IReadOnlyList<string>? ContentIds { get; }

    /// <summary>Scores rows: one prediction per row, in order.</summary>
    /// <exception cref="PredictionInputException">Naming the row, the column and the value of the first bad row.</exception>
    public IReadOnlyList<Prediction> Predict(IReadOnlyList<JsonElement> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var scored = _model.Transform(Map(rows).ToDataView());
        return Read(scored, rows.Count);
    }

    /// <summary>For a recommender: each row's user's <paramref name="top"/> content ids by affinity (the ranking score).</summary>
    /// <exception cref="PredictionInputException">When the model is not a recommender, has no catalog, or a row has no user.</exception>
    public IReadOnlyList<Recommendations> Recommend(IReadOnlyList<JsonElement> rows, int top)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (Schema.Task != ModelTask.Recommendation)
        {
            throw new PredictionInputException($"Expected ?top= only for a recommender, but {Version} is a {Schema.Task.ToString().ToLowerInvariant()} model.");
        }

        var items = ContentIds ?? throw new PredictionInputException($"Expected {Version}'s model.zip to list its content ids, but it was saved before catalogs were; retrain it to rank with ?top=.");
        var result = new List<Recommendations>(rows.Count);
        for (int r = 0; r < rows.Count; r++)
        {
            var user = rows[r].ValueKind == JsonValueKind.Object && TryGet(rows[r], RecommenderModel.UserColumn, out var value) && value.ValueKind is JsonValueKind.String or JsonValueKind.Number
                ? Text(value)
                : throw new PredictionInputException($"Row {r}: expected a '{RecommenderModel.UserColumn}' to rank content for, but found {Describe(rows[r], RecommenderModel.UserColumn)}.");
            var candidates = new RowArrays(Schema, [.. items.Select(_ => new float[1])], [.. items.Select(i => new[] { user, i })]);
            var scored = _model.Transform(candidates.ToDataView());
            var predictions = Read(scored, items.Count);
            result.Add(new Recommendations(
                user,
                [.. predictions.Select((p, i) => new RankedContent(items[i], p.Score ?? double.NaN, p.Affinity ?? double.NaN))
                    .Where(p => !double.IsNaN(p.Affinity))
                    .OrderByDescending(p => p.Affinity).ThenBy(p => p.ContentId, StringComparer.Ordinal)
                    .Take(top)]));
        }

        return result;
    }

    /// <summary>Maps rows to the version's snapshot layout, as <see cref="Predict"/> does before scoring.</summary>
    /// <exception cref="PredictionInputException">Naming the row, the column and the value of the first bad row.</exception>
    public RowArrays Map(IReadOnlyList<JsonElement> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var header = _inputColumns.Append(Schema.Label).ToList();
        var mapper = BatchScorer.CreateMapper(Schema, header);
        var placeholder = BatchScorer.LabelPlaceholder(Schema);
        var numbers = new float[rows.Count][];
        var strings = new string[rows.Count][];
        var fields = new string[header.Count];
        fields[^1] = placeholder;
        for (int r = 0; r < rows.Count; r++)
        {
            var row = rows[r];
            if (row.ValueKind != JsonValueKind.Object)
            {
                throw new PredictionInputException($"Row {r}: expected an object of column values (e.g. {{\"{(_inputColumns.Count > 0 ? _inputColumns[0] : "column")}\": …}}), but found {Kind(row)}.");
            }

            for (int c = 0; c < _inputColumns.Count; c++)
            {
                var column = _inputColumns[c];
                if (!TryGet(row, column, out var value))
                {
                    throw new PredictionInputException($"Row {r}: expected column '{column}' (the model takes {Columns()}), but the row has no such property; send null for a missing value.");
                }

                fields[c] = value.ValueKind switch
                {
                    JsonValueKind.String or JsonValueKind.Number => Text(value),
                    JsonValueKind.True => "true",
                    JsonValueKind.False => "false",
                    JsonValueKind.Null => "",
                    _ => throw new PredictionInputException($"Row {r}: column '{column}' expected a number, a string or null, but found {Kind(value)}."),
                };
            }

            numbers[r] = new float[1 + Schema.NumberColumns.Count];
            strings[r] = new string[Schema.StringColumns.Count];
            if (mapper.TryMap(fields, numbers[r], strings[r]) is { } problem)
            {
                throw new PredictionInputException($"Row {r}: {problem}.");
            }
        }

        return new RowArrays(Schema, numbers, strings);
    }

    private List<Prediction> Read(IDataView scored, int count)
    {
        var schema = scored.Schema;
        var score = schema.GetColumnOrNull("Score");
        var probability = schema.GetColumnOrNull("Probability");
        var label = schema.GetColumnOrNull("PredictedLabel");
        var affinity = schema.GetColumnOrNull(RecommenderModel.AffinityColumn);
        var needed = new[] { score, probability, label, affinity }.Where(c => c is not null).Select(c => c!.Value);
        using var cursor = scored.GetRowCursor(needed);
        ValueGetter<float>? getScore = score is { Type: NumberDataViewType } s ? cursor.GetGetter<float>(s) : null;
        ValueGetter<VBuffer<float>>? getScores = score is { Type: VectorDataViewType } v ? cursor.GetGetter<VBuffer<float>>(v) : null;
        ValueGetter<float>? getProbability = probability is { } p ? cursor.GetGetter<float>(p) : null;
        ValueGetter<uint>? getClass = label is { Type: KeyDataViewType } k ? cursor.GetGetter<uint>(k) : null;
        ValueGetter<float>? getAffinity = affinity is { } a ? cursor.GetGetter<float>(a) : null;
        var predictions = new List<Prediction>(count);
        while (cursor.MoveNext())
        {
            float value = 0, chance = 0, lift = 0;
            uint key = 0;
            var vector = default(VBuffer<float>);
            getScore?.Invoke(ref value);
            getProbability?.Invoke(ref chance);
            getAffinity?.Invoke(ref lift);
            getClass?.Invoke(ref key);
            getScores?.Invoke(ref vector);
            predictions.Add(Schema.Task switch
            {
                ModelTask.Binary => new Prediction(Score: value, Probability: chance, Predicted: chance >= (Threshold ?? 0.5)),
                ModelTask.Multiclass => new Prediction(
                    Probability: vector.Length > 0 ? vector.DenseValues().Max() : null,
                    PredictedLabel: key == 0 || Schema.ClassNames is null ? null : Schema.ClassNames[(int)key - 1]),
                ModelTask.Recommendation => new Prediction(Score: Finite(value), Affinity: Finite(lift)),
                ModelTask.Anomaly => new Prediction(Score: value, Predicted: Threshold is { } cut && value >= cut),
                _ => new Prediction(Score: value),
            });
        }

        return predictions;
    }

    private static double? Finite(float value) => float.IsFinite(value) ? value : null;

    private static bool TryGet(JsonElement row, string column, out JsonElement value)
    {
        if (row.TryGetProperty(column, out value))
        {
            return true;
        }

        // CSV headers match ignoring case; so do property names.
        foreach (var property in row.EnumerateObject())
        {
            if (string.Equals(property.Name, column, StringComparison.OrdinalIgnoreCase))
            {
                value = property.Value;
                return true;
            }
        }

        return false;
    }

    private static string Text(JsonElement value) => value.ValueKind == JsonValueKind.String ? value.GetString() ?? "" : value.GetRawText();

    private static string Kind(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => $"the string \"{ContractNames.Truncate(value.GetString() ?? "", 40)}\"",
        JsonValueKind.Number => $"the number {value.GetRawText()}",
        JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
        _ => "null",
    };

    private static string Describe(JsonElement row, string column) =>
        row.ValueKind != JsonValueKind.Object ? Kind(row) : TryGet(row, column, out var v) ? Kind(v) : "no such property";

    private string Columns() => _inputColumns.Count <= 12
        ? string.Join(", ", _inputColumns)
        : string.Join(", ", _inputColumns.Take(12)) + string.Create(CultureInfo.InvariantCulture, $" and {_inputColumns.Count - 12} more");
}

/// <summary>One row's prediction; only the fields of the model's task are present.</summary>
/// <param name="Score">Regression: the predicted value; binary: the raw score; recommendation: the predicted rating; anomaly: the anomaly score (higher is more anomalous).</param>
/// <param name="Probability">Binary: the probability of the positive class; multiclass: the predicted class's.</param>
/// <param name="Predicted">Binary: the decision at the version's threshold; anomaly: whether the score reaches it.</param>
/// <param name="PredictedLabel">Multiclass: the predicted class.</param>
/// <param name="Affinity">Recommendation: the ranking score (the rating plus the item's popularity lift).</param>
public sealed record Prediction(
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] double? Score = null,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] double? Probability = null,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] bool? Predicted = null,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? PredictedLabel = null,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] double? Affinity = null);

/// <summary>A user's top content.</summary>
/// <param name="UserId">The user.</param>
/// <param name="Items">The content, best first.</param>
public sealed record Recommendations(string UserId, IReadOnlyList<RankedContent> Items);

/// <summary>A ranked content id.</summary>
/// <param name="ContentId">The content.</param>
/// <param name="Score">The predicted rating.</param>
/// <param name="Affinity">The ranking score.</param>
public sealed record RankedContent(string ContentId, double Score, double Affinity);

/// <summary>A row the model cannot score: the message names the row, the column and the value found.</summary>
/// <param name="message">What was expected and what was found.</param>
public sealed class PredictionInputException(string message) : Exception(message);
