using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using NetworkBuster.Training.Training;
using NetworkBuster.Training.Contracts;
using NetworkBuster.Training.Datasets;
using NetworkBuster.Training.Registry;

namespace NetworkBuster.Training.Scoring;

/// <summary>What a batch scoring run did.</summary>
/// <param name="Model">The version used.</param>
/// <param name="Rows">Rows scored.</param>
/// <param name="BadRows">Rows skipped as unreadable.</param>
/// <param name="FirstBadLines">The first bad lines and why.</param>
public sealed record ScoreSummary(ModelVersionRef Model, long Rows, long BadRows, IReadOnlyList<string> FirstBadLines);

/// <summary>
/// Scores a CSV with a registered version (the current one, or a named one): the model blob's SHA-256 is verified
/// first, rows are mapped exactly as at training time, and the output is the input columns plus predictions.
/// </summary>
/// <param name="registry">The registry.</param>
/// <param name="models">The model store.</param>
public sealed class BatchScorer(ModelRegistry registry, ModelStore models)
{
    private static readonly string[] PredictionColumns = ["PredictedLabel", "Probability", "Score"];

    /// <summary>Scores <paramref name="input"/> into <paramref name="output"/>.</summary>
    /// <exception cref="RegistryException">When the model or version does not exist.</exception>
    /// <exception cref="ModelIntegrityException">When the blob's hash differs from the registry's.</exception>
    public async Task<ScoreSummary> ScoreAsync(ModelVersionRef reference, Stream input, TextWriter output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(output);
        var row = (reference.Version is { } v ? await registry.GetAsync(reference.Model, v, cancellationToken) : await registry.GetCurrentAsync(reference.Model, cancellationToken))
            ?? throw new NotFoundException(reference.Version is null ? $"{reference.Model} has no current version." : $"{reference} does not exist.");
        var schema = await models.InputSchemaAsync(row, cancellationToken);
        var ml = ModelContext.Create(seed: 1);
        var model = await models.LoadAsync(ml, row, cancellationToken);
        var folder = Path.Combine(Path.GetTempPath(), "nbtrain-score", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            var (rows, bad, firstBad, header) = await MapAsync(schema, input, folder, cancellationToken);
            var scored = model.Transform(new RowFileDataView(Path.Combine(folder, "rows.rows"), schema, rows));
            await WriteAsync(scored, schema, row.DecisionThreshold, header, Path.Combine(folder, "raw.txt"), output, cancellationToken);
            return new ScoreSummary(new ModelVersionRef(row.Model, row.Version), rows, bad, firstBad);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>
    /// Maps a CSV to a version's snapshot rows exactly as scoring does, into <c>rows.rows</c> in <paramref name="folder"/>
    /// (for drift checks); whether the CSV had the label column (else the label is a placeholder).
    /// </summary>
    public static async Task<(string Path, long Rows, long BadRows, bool HasLabel)> MapRowsAsync(SnapshotSchema schema, Stream input, string folder, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(schema);
        var (rows, bad, _, header) = await MapAsync(schema, input, folder, cancellationToken);
        bool hasLabel = header.Split(',').Any(h => string.Equals(h.Trim('"'), schema.Label, StringComparison.OrdinalIgnoreCase));
        return (Path.Combine(folder, "rows.rows"), rows, bad, hasLabel);
    }

    private static async Task<(long Rows, long Bad, List<string> FirstBad, string Header)> MapAsync(SnapshotSchema schema, Stream input, string folder, CancellationToken cancellationToken)
    {
        // The ingest step's reader: the same quoting rules and record limit (wide rows fit, a runaway quote is named).
        await using var reader = await CsvRecordStream.OpenAsync(input, "the input", expectedHeader: null, new IngestOptions().MaxRecordBytes, cancellationToken);
        var header = reader.Header.ToList();
        bool addLabel = !header.Contains(schema.Label, StringComparer.OrdinalIgnoreCase);
        var placeholder = LabelPlaceholder(schema);
        var fullHeader = addLabel ? [.. header, schema.Label] : header;
        var mapper = CreateMapper(schema, fullHeader);
        await using var file = File.Create(Path.Combine(folder, "rows.rows"));
        using var writer = new RowFile.Writer(file, 1 + schema.NumberColumns.Count, schema.StringColumns.Count);
        await using var raw = new StreamWriter(Path.Combine(folder, "raw.txt"));
        var numbers = new float[1 + schema.NumberColumns.Count];
        var strings = new string[schema.StringColumns.Count];
        var firstBad = new List<string>();
        long bad = 0;
        while (await reader.ReadAsync(cancellationToken) is { } fields)
        {
            string[] mapped = addLabel ? [.. fields, placeholder] : fields;
            if (mapper.TryMap(mapped, numbers, strings) is { } problem)
            {
                if (++bad <= 5)
                {
                    firstBad.Add($"line {reader.Line.ToString(CultureInfo.InvariantCulture)} ({problem})");
                }

                continue;
            }

            writer.Write(numbers, strings);
            await raw.WriteLineAsync(string.Join(",", fields.Select(Csv)));
        }

        return (writer.Rows, bad, firstBad, string.Join(",", header.Select(Csv)));
    }

    /// <summary>The label value scoring rows carry when they have none (any valid label: the model never reads it).</summary>
    internal static string LabelPlaceholder(SnapshotSchema schema) =>
        schema.Task switch { ModelTask.Multiclass => schema.ClassNames is [var first, ..] ? first : "", _ => "0" };

    /// <summary>A mapper from rows with <paramref name="header"/> (the label last when the rows had none) to a version's snapshot layout.</summary>
    internal static RowMapper CreateMapper(SnapshotSchema schema, IReadOnlyList<string> header) =>
        RowMapper.Create(schema.ToTabularSpec() with { ExpectedHeader = null }, header, schema.ClassNames is { } names ? [.. names.Select(n => Row(header.Count, header.Count - 1, n))] : []);

    // A binary model with a stored threshold adds 'Predicted': its decision at that threshold, beside the probability.
    // An anomaly model decides on its Score; ML.NET's own PredictedLabel (its fixed cut) is left out.
    private static async Task WriteAsync(IDataView scored, SnapshotSchema schema, double? threshold, string header, string rawPath, TextWriter output, CancellationToken cancellationToken)
    {
        bool anomaly = schema.Task == ModelTask.Anomaly;
        var columns = PredictionColumns.Where(c => scored.Schema.GetColumnOrNull(c) is not null && !(anomaly && c == "PredictedLabel")).ToList();
        var decideOn = anomaly ? "Score" : "Probability";
        bool decide = schema.Task is ModelTask.Binary or ModelTask.Anomaly && threshold is not null && columns.Contains(decideOn);
        await output.WriteLineAsync(header + "," + string.Join(",", columns.Select(c => c == "Score" && schema.Task == ModelTask.Regression ? "Predicted" + Capitalize(schema.Label) : c)) + (decide ? ",Predicted" : ""));
        using var cursor = scored.GetRowCursor(columns.Select(c => scored.Schema[c]));
        var getters = columns.Select(c => Getter(cursor, scored.Schema[c], schema)).ToList();
        if (decide)
        {
            var probability = cursor.GetGetter<float>(scored.Schema[decideOn]);
            getters.Add(() => { float p = 0; probability(ref p); return p >= threshold ? "true" : "false"; });
        }

        using var raw = new StreamReader(rawPath);
        while (cursor.MoveNext())
        {
            cancellationToken.ThrowIfCancellationRequested();
            var line = await raw.ReadLineAsync(cancellationToken);
            await output.WriteLineAsync(line + "," + string.Join(",", getters.Select(g => g())));
        }
    }

    private static Func<string> Getter(DataViewRowCursor cursor, DataViewSchema.Column column, SnapshotSchema schema)
    {
        if (column.Type == NumberDataViewType.Single)
        {
            var get = cursor.GetGetter<float>(column);
            return () => { float v = 0; get(ref v); return v.ToString("0.######", CultureInfo.InvariantCulture); };
        }

        if (column.Type == BooleanDataViewType.Instance)
        {
            var get = cursor.GetGetter<bool>(column);
            return () => { bool v = false; get(ref v); return v ? "true" : "false"; };
        }

        if (column.Type is KeyDataViewType)
        {
            var get = cursor.GetGetter<uint>(column);
            return () => { uint v = 0; get(ref v); return v == 0 || schema.ClassNames is null ? "" : Csv(schema.ClassNames[(int)v - 1]); };
        }

        var vector = cursor.GetGetter<VBuffer<float>>(column);
        return () => { var v = default(VBuffer<float>); vector(ref v); return v.DenseValues().Max().ToString("0.######", CultureInfo.InvariantCulture); };
    }

    private static string[] Row(int count, int labelIndex, string label)
    {
        var row = Enumerable.Repeat("", count).ToArray();
        row[labelIndex] = label;
        return row;
    }

    private static string Csv(string value) =>
        value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;

    private static string Capitalize(string name) => name.Length == 0 ? name : char.ToUpperInvariant(name[0]) + name[1..];
}
