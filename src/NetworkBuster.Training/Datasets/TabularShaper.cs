using NetworkBuster.Training.Contracts;

namespace NetworkBuster.Training.Datasets;

/// <summary>One record, one row: the header checked and each record typed by a <see cref="RowMapper"/>.</summary>
/// <param name="spec">The tabular problem.</param>
/// <param name="timeColumn">The column that orders rows for a time split, or null for record order.</param>
internal sealed class TabularShaper(TabularSpec spec, string? timeColumn) : IDatasetShaper, ISpanDatasetShaper
{
    private RowMapper? _mapper;
    private IReadOnlyList<string> _header = [];
    private int _timeOrdinal = -1;
    private float[] _numbers = [];
    private string[] _strings = [];
    private long _index;

    /// <inheritdoc />
    public IReadOnlyDictionary<string, string> Notes { get; } = new Dictionary<string, string>();

    /// <inheritdoc />
    public SnapshotSchema Start(IReadOnlyList<string> header, IReadOnlyList<string[]> sample)
    {
        _mapper = RowMapper.Create(spec, header, sample);
        Bind(header);
        _numbers = new float[1 + _mapper.Schema.NumberColumns.Count];
        _strings = new string[_mapper.Schema.StringColumns.Count];
        return _mapper.Schema;
    }

    /// <inheritdoc />
    public void StartNextFile(IReadOnlyList<string> header)
    {
        ArgumentNullException.ThrowIfNull(header);
        if (!header.SequenceEqual(_header, StringComparer.OrdinalIgnoreCase))
        {
            throw new TrainingException(ErrorCode.SchemaMismatch, $"Expected the test file to have the dataset's header {string.Join(",", _header)}, but found {string.Join(",", header)}.");
        }
    }

    /// <inheritdoc />
    public string? Accept(string[] fields, IShapedRowSink sink)
    {
        ArgumentNullException.ThrowIfNull(fields);
        return Accept(new StringFields(fields), sink);
    }

    /// <inheritdoc />
    public string? Accept(CsvFields fields, IShapedRowSink sink) => Accept<CsvFields>(fields, sink);

    private string? Accept<TFields>(TFields fields, IShapedRowSink sink)
        where TFields : IFieldSource
    {
        ArgumentNullException.ThrowIfNull(sink);
        if (_mapper!.TryMap(fields, _numbers, _strings) is { } problem)
        {
            return problem;
        }

        double key = _index++;
        if (_timeOrdinal >= 0)
        {
            var cell = fields[_timeOrdinal].Trim();
            if (!TimestampParser.TryParse(cell, out var at))
            {
                return $"time column '{_header[_timeOrdinal]}' expected a date and time, found \"{ContractNames.Truncate(cell.ToString(), 40)}\"";
            }

            key = at.Subtract(DateTime.UnixEpoch).TotalSeconds;
        }

        sink.Emit(_numbers, _strings, key);
        return null;
    }

    /// <inheritdoc />
    public void Complete(IShapedRowSink sink)
    {
    }

    private void Bind(IReadOnlyList<string> header)
    {
        _header = header;
        if (timeColumn is null)
        {
            return;
        }

        _timeOrdinal = header.ToList().FindIndex(h => string.Equals(h, timeColumn, StringComparison.OrdinalIgnoreCase));
        if (_timeOrdinal < 0)
        {
            throw new TrainingException(ErrorCode.SchemaMismatch, $"Expected the time-split column '{timeColumn}' in the CSV, but found the header {string.Join(",", header)}.");
        }
    }
}
