using NetworkBuster.Training.Contracts;

namespace NetworkBuster.Training.Datasets;

/// <summary>
/// Checks a CSV header against a <see cref="TabularSpec"/> and turns each CSV record into a typed snapshot row
/// (label first, then numeric features, then strings), or says why the record is bad.
/// </summary>
internal sealed class RowMapper
{
    /// <summary>The calendar parts a timestamp column expands to (each a numeric feature named <c>{column}_{part}</c>).</summary>
    public static readonly IReadOnlyList<string> TimestampParts = ["hour", "day_of_week", "day_of_month", "month", "seconds_since_midnight", "is_weekend"];
    private readonly List<(int Ordinal, FeatureKind Kind)> _sources = [];
    private readonly List<CategoryPool> _categories = [];
    private readonly int _labelOrdinal;
    private readonly IReadOnlyList<string> _header;

    private RowMapper(SnapshotSchema schema, int labelOrdinal, IReadOnlyList<string> header)
    {
        Schema = schema;
        _labelOrdinal = labelOrdinal;
        _header = header;
    }

    /// <summary>The snapshot layout rows are mapped to.</summary>
    public SnapshotSchema Schema { get; }

    /// <summary>Resolves the spec against the header (and, for inferred types, a sample of records).</summary>
    /// <param name="spec">The tabular problem.</param>
    /// <param name="header">The CSV header as found.</param>
    /// <param name="sample">The first records, used to infer feature types.</param>
    /// <returns>The mapper.</returns>
    /// <exception cref="TrainingException">With <see cref="ErrorCode.SchemaMismatch"/> naming the expected and found header.</exception>
    public static RowMapper Create(TabularSpec spec, IReadOnlyList<string> header, IReadOnlyList<string[]> sample)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(header);
        CheckHeader(spec, header);
        int Find(string name, string role) => IndexOf(header, name) is int i and >= 0
            ? i
            : throw new TrainingException(ErrorCode.SchemaMismatch, $"The {role} column '{name}' is not in the CSV; found header: {string.Join(",", header)}.");

        // An unlabeled anomaly problem has no label column: its rows get a placeholder 0 in the label slot.
        int label = spec.HasLabel ? Find(spec.Label, "label") : -1;
        var features = spec.Features.Count > 0
            ? spec.Features
            : [.. header.Where((_, i) => i != label).Select(h => new FeatureColumn(h, FeatureKind.Inferred))];
        var plan = new List<(int Ordinal, FeatureKind Kind, string Name)>();
        foreach (var feature in features)
        {
            int ordinal = Find(feature.Name, "feature");
            var kind = feature.Kind == FeatureKind.Inferred ? TypeInference.Infer(header[ordinal], sample.Select(r => ordinal < r.Length ? r[ordinal] : "")) : feature.Kind;
            if (kind is { } k)
            {
                plan.Add((ordinal, k, header[ordinal]));
            }
        }

        var numbers = new List<SnapshotColumn>();
        var strings = new List<SnapshotColumn>();
        foreach (var (_, kind, name) in plan)
        {
            switch (kind)
            {
                case FeatureKind.Numeric: numbers.Add(new(name, SnapshotColumnKind.Number, name)); break;
                case FeatureKind.Timestamp: numbers.AddRange(TimestampParts.Select(p => new SnapshotColumn($"{name}_{p}", SnapshotColumnKind.Number, name))); break;
                case FeatureKind.Categorical: strings.Add(new(name, SnapshotColumnKind.Category, name, Cardinality(sample, IndexOf(header, name)))); break;
                default: strings.Add(new(name, SnapshotColumnKind.Text, name)); break;
            }
        }

        var classNames = spec.Task == ModelTask.Multiclass
            ? sample.Select(r => label < r.Length ? r[label].Trim() : "").Where(v => v.Length > 0).Distinct().Order(StringComparer.Ordinal).ToList()
            : null;
        var mapper = new RowMapper(new SnapshotSchema(spec.Task, spec.Label, [.. numbers, .. strings], classNames), label, header);
        mapper._sources.AddRange(plan.Where(p => p.Kind is FeatureKind.Numeric or FeatureKind.Timestamp).Select(p => (p.Ordinal, p.Kind)));
        mapper._sources.AddRange(plan.Where(p => p.Kind is not (FeatureKind.Numeric or FeatureKind.Timestamp)).Select(p => (p.Ordinal, p.Kind)));
        mapper._categories.AddRange(strings.Select(_ => new CategoryPool()));
        return mapper;
    }

    /// <summary>Maps one record; returns the reason when it is bad.</summary>
    /// <param name="fields">The record's fields.</param>
    /// <param name="numbers">Receives the label and numeric features.</param>
    /// <param name="strings">Receives the string features.</param>
    /// <returns>Null when the row is good, else what was expected and found.</returns>
    public string? TryMap(IReadOnlyList<string> fields, Span<float> numbers, string[] strings)
    {
        ArgumentNullException.ThrowIfNull(fields);
        return TryMap(new StringFields(fields), numbers, strings);
    }

    /// <summary>Maps one record read as spans (no string per typed field; categories pooled).</summary>
    /// <param name="fields">The record's fields.</param>
    /// <param name="numbers">Receives the label and numeric features.</param>
    /// <param name="strings">Receives the string features.</param>
    /// <returns>Null when the row is good, else what was expected and found.</returns>
    public string? TryMap<TFields>(TFields fields, Span<float> numbers, string[] strings)
        where TFields : IFieldSource
    {
        ArgumentNullException.ThrowIfNull(strings);
        if (fields.Count != _header.Count)
        {
            return $"expected {_header.Count} fields, found {fields.Count}";
        }

        if (_labelOrdinal < 0)
        {
            numbers[0] = 0;
        }
        else
        {
            var label = fields[_labelOrdinal].Trim();
            if (!TryLabel(label, out numbers[0]))
            {
                return $"label '{Schema.Label}' expected {LabelExpectation()}, found \"{ContractNames.Truncate(label.ToString(), 40)}\"";
            }
        }

        int n = 1;
        int s = 0;
        for (int i = 0; i < _sources.Count; i++)
        {
            var (ordinal, kind) = _sources[i];
            var cell = fields[ordinal].Trim();
            switch (kind)
            {
                case FeatureKind.Numeric:
                    if (cell.IsEmpty)
                    {
                        numbers[n++] = float.NaN;
                    }
                    else if (InvariantNumber.TryParse(cell, out double value) && double.IsFinite(value))
                    {
                        numbers[n++] = (float)value;
                    }
                    else
                    {
                        return $"column '{Name(ordinal)}' expected a finite number, found \"{ContractNames.Truncate(cell.ToString(), 40)}\"";
                    }

                    break;
                case FeatureKind.Timestamp:
                    if (cell.IsEmpty)
                    {
                        numbers.Slice(n, TimestampParts.Count).Fill(float.NaN);
                        n += TimestampParts.Count;
                        break;
                    }

                    if (!TimestampParser.TryParse(cell, out var at))
                    {
                        return $"column '{Name(ordinal)}' expected a date and time (e.g. 2025-01-15T10:00:00Z), found \"{ContractNames.Truncate(cell.ToString(), 40)}\"";
                    }

                    n = WriteTimestamp(at, numbers, n);
                    break;
                case FeatureKind.Categorical:
                    strings[s] = _categories[s].Get(cell);
                    s++;
                    break;
                default:
                    strings[s++] = cell.ToString();
                    break;
            }
        }

        return null;
    }

    /// <summary>Writes a timestamp's calendar parts (see <see cref="TimestampParts"/>) from <paramref name="start"/>; returns the next index.</summary>
    public static int WriteTimestamp(DateTime at, Span<float> numbers, int start)
    {
        numbers[start] = at.Hour;
        numbers[start + 1] = (float)at.DayOfWeek;
        numbers[start + 2] = at.Day;
        numbers[start + 3] = at.Month;
        numbers[start + 4] = (float)at.TimeOfDay.TotalSeconds;
        numbers[start + 5] = at.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday ? 1 : 0;
        return start + TimestampParts.Count;
    }

    /// <summary>Checks a found header against a fixed expected one.</summary>
    /// <exception cref="TrainingException">With SchemaMismatch naming the missing and unexpected columns.</exception>
    public static void CheckHeader(IReadOnlyList<string> expected, IReadOnlyList<string> header) =>
        CheckHeader(new TabularSpec(ModelTask.Regression, "", [], expected), header);

    /// <summary>Checks a found header against a fixed expected one and returns where each expected column is.</summary>
    /// <returns>For each expected column, its ordinal in <paramref name="header"/> (names matched ignoring case).</returns>
    /// <exception cref="TrainingException">With SchemaMismatch naming the missing and unexpected columns.</exception>
    public static int[] MapHeader(IReadOnlyList<string> expected, IReadOnlyList<string> header)
    {
        ArgumentNullException.ThrowIfNull(expected);
        CheckHeader(expected, header);
        return [.. expected.Select(e => IndexOf(header, e))];
    }

    private static int Cardinality(IReadOnlyList<string[]> sample, int ordinal) =>
        sample.Select(r => ordinal < r.Length ? r[ordinal].Trim() : "").Distinct(StringComparer.Ordinal).Count();

    private string Name(int ordinal) => _header[ordinal];

    private bool TryLabel(ReadOnlySpan<char> text, out float value)
    {
        switch (Schema.Task)
        {
            case ModelTask.Binary or ModelTask.Anomaly:
                value = BinaryLabel(text);
                return !float.IsNaN(value);
            case ModelTask.Multiclass:
                int index = Schema.ClassNames is { } names ? IndexOfClass(names, text) : -1;
                value = index;
                return index >= 0;
            default:
                bool ok = InvariantNumber.TryParse(text, out double d) && double.IsFinite(d);
                value = (float)d;
                return ok;
        }
    }

    private static float BinaryLabel(ReadOnlySpan<char> text)
    {
        static bool Is(ReadOnlySpan<char> text, string word) => text.Equals(word, StringComparison.OrdinalIgnoreCase);
        return Is(text, "1") || Is(text, "true") || Is(text, "yes") || Is(text, "y") ? 1
            : Is(text, "0") || Is(text, "false") || Is(text, "no") || Is(text, "n") ? 0
            : float.NaN;
    }

    private string LabelExpectation() => Schema.Task switch
    {
        ModelTask.Binary => "one of 1/0, true/false, yes/no",
        ModelTask.Anomaly => "one of 1/0, true/false, yes/no (1: a known anomaly)",
        ModelTask.Multiclass => $"one of the classes {string.Join(", ", Schema.ClassNames ?? [])}",
        _ => "a finite number",
    };

    private static int IndexOfClass(IReadOnlyList<string> names, ReadOnlySpan<char> value)
    {
        for (int i = 0; i < names.Count; i++)
        {
            if (value.SequenceEqual(names[i]))
            {
                return i;
            }
        }

        return -1;
    }

    private static int IndexOf(IReadOnlyList<string> header, string name)
    {
        for (int i = 0; i < header.Count; i++)
        {
            if (string.Equals(header[i], name, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }

    private static void CheckHeader(TabularSpec spec, IReadOnlyList<string> header)
    {
        if (spec.ExpectedHeader is not { } expected)
        {
            return;
        }

        var missing = expected.Where(e => IndexOf(header, e) < 0).ToList();
        var unexpected = header.Where(h => !expected.Contains(h, StringComparer.OrdinalIgnoreCase)).ToList();
        if (missing.Count > 0 || unexpected.Count > 0)
        {
            throw new TrainingException(
                ErrorCode.SchemaMismatch,
                $"Expected the header {string.Join(",", expected)}, but found {(header.Count == 0 ? "no header" : string.Join(",", header))}"
                + (missing.Count > 0 ? $"; missing: {string.Join(", ", missing)}" : "")
                + (unexpected.Count > 0 ? $"; unexpected: {string.Join(", ", unexpected)}" : "") + ".");
        }
    }
}
