namespace NetworkBuster.Training.Datasets;

/// <summary>The fields of one CSV record, read as spans so that a typed cell never becomes a string.</summary>
internal interface IFieldSource
{
    /// <summary>The record's fields.</summary>
    int Count { get; }

    /// <summary>The field at <paramref name="ordinal"/>.</summary>
    ReadOnlySpan<char> this[int ordinal] { get; }
}

/// <summary>Fields already split into strings (a sample, a scoring row, a preset's record).</summary>
/// <param name="fields">The fields.</param>
internal readonly struct StringFields(IReadOnlyList<string> fields) : IFieldSource
{
    /// <inheritdoc />
    public int Count => fields.Count;

    /// <inheritdoc />
    public ReadOnlySpan<char> this[int ordinal] => fields[ordinal];
}

/// <summary>
/// Interns the values of a categorical column looked up by span: a repeated category costs a hash lookup, not a
/// string. Past <see cref="MaxValues"/> distinct values a new value is allocated but not kept.
/// </summary>
internal sealed class CategoryPool
{
    /// <summary>The most distinct values kept.</summary>
    public const int MaxValues = 1 << 16;
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    public CategoryPool() => _lookup = _values.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>The pooled string equal to <paramref name="value"/>.</summary>
    public string Get(ReadOnlySpan<char> value)
    {
        if (_lookup.TryGetValue(value, out var pooled))
        {
            return pooled;
        }

        var text = value.ToString();
        if (_values.Count < MaxValues)
        {
            _values.Add(text, text);
        }

        return text;
    }
}
