using Microsoft.ML;
using Microsoft.ML.Data;
using NetworkBuster.Training.Contracts;

namespace NetworkBuster.Training.Datasets;

/// <summary>An ML.NET <see cref="IDataView"/> streamed from a snapshot <see cref="RowFile"/> on disk.</summary>
public sealed class RowFileDataView : IDataView
{
    private readonly string _path;
    private readonly long _rows;
    private readonly int _numberCount;
    private readonly int _stringCount;
    private readonly ModelTask _task;
    private readonly int _classCount;

    /// <summary>Opens a snapshot file.</summary>
    /// <param name="path">The local file.</param>
    /// <param name="schema">Its layout.</param>
    /// <param name="rows">Its row count.</param>
    public RowFileDataView(string path, SnapshotSchema schema, long rows)
    {
        ArgumentNullException.ThrowIfNull(schema);
        _path = path;
        _rows = rows;
        var numbers = schema.NumberColumns;
        var strings = schema.StringColumns;
        _numberCount = 1 + numbers.Count;
        _stringCount = strings.Count;
        _task = schema.Task;
        _classCount = schema.ClassNames?.Count ?? 0;
        Schema = BuildSchema(schema);
    }

    /// <summary>The ML.NET schema of a snapshot layout: the label, the numbers, then the strings.</summary>
    public static DataViewSchema BuildSchema(SnapshotSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        var builder = new DataViewSchema.Builder();
        builder.AddColumn(SnapshotSchema.LabelColumn, LabelType(schema));
        foreach (var column in schema.NumberColumns)
        {
            builder.AddColumn(column.Name, NumberDataViewType.Single);
        }

        foreach (var column in schema.StringColumns)
        {
            builder.AddColumn(column.Name, TextDataViewType.Instance);
        }

        return builder.ToSchema();
    }

    /// <summary>A getter over the current row's buffers (label converted for the task).</summary>
    internal static ValueGetter<TValue> Getter<TValue>(ModelTask task, int numberCount, DataViewSchema.Column column, Func<float[]> numbers, Func<string[]> strings)
    {
        int index = column.Index;
        Delegate getter = index == 0 && task is ModelTask.Binary or ModelTask.Anomaly
            ? (ValueGetter<bool>)((ref bool value) => value = numbers()[0] != 0)
            : index == 0 && task == ModelTask.Multiclass
            ? (ValueGetter<uint>)((ref uint value) => value = (uint)numbers()[0] + 1)
            : index < numberCount
            ? (ValueGetter<float>)((ref float value) => value = numbers()[index])
            : (ValueGetter<ReadOnlyMemory<char>>)((ref ReadOnlyMemory<char> value) => value = strings()[index - numberCount].AsMemory());
        return getter as ValueGetter<TValue>
            ?? throw new InvalidOperationException($"Column '{column.Name}' is {column.Type}, not {typeof(TValue).Name}.");
    }

    /// <summary>The snapshot file.</summary>
    public string Path => _path;

    /// <inheritdoc />
    public bool CanShuffle => false;

    // ML.NET wants a Boolean label for binary (and anomaly) tasks and a key label for multiclass; snapshots store floats.
    private static DataViewType LabelType(SnapshotSchema schema) => schema.Task switch
    {
        ModelTask.Binary or ModelTask.Anomaly => BooleanDataViewType.Instance,
        ModelTask.Multiclass => new KeyDataViewType(typeof(uint), Math.Max(1, schema.ClassNames?.Count ?? 1)),
        _ => NumberDataViewType.Single,
    };

    /// <inheritdoc />
    public DataViewSchema Schema { get; }

    /// <inheritdoc />
    public long? GetRowCount() => _rows;

    /// <inheritdoc />
    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) =>
        new Cursor(this, columnsNeeded);

    /// <inheritdoc />
    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        [GetRowCursor(columnsNeeded, rand)];

    private sealed class Cursor : DataViewRowCursor
    {
        private readonly RowFileDataView _view;
        private readonly bool[] _active;
        private readonly FileStream _stream;
        private readonly RowFile.Reader _reader;
        private readonly float[] _numbers;
        private readonly string[] _strings;
        private long _position = -1;

        public Cursor(RowFileDataView view, IEnumerable<DataViewSchema.Column> columnsNeeded)
        {
            _view = view;
            _active = new bool[view.Schema.Count];
            foreach (var column in columnsNeeded)
            {
                _active[column.Index] = true;
            }

            _stream = new FileStream(view._path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
            _reader = new RowFile.Reader(_stream, view._numberCount, view._stringCount);
            _numbers = new float[view._numberCount];
            _strings = new string[view._stringCount];
        }

        public override long Position => _position;

        public override long Batch => 0;

        public override DataViewSchema Schema => _view.Schema;

        public override bool IsColumnActive(DataViewSchema.Column column) => _active[column.Index];

        public override bool MoveNext()
        {
            if (!_reader.Read(_numbers, _strings))
            {
                return false;
            }

            _position++;
            return true;
        }

        public override ValueGetter<DataViewRowId> GetIdGetter() =>
            (ref DataViewRowId value) => value = new DataViewRowId((ulong)_position, 0);

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) =>
            Getter<TValue>(_view._task, _view._numberCount, column, () => _numbers, () => _strings);

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _reader.Dispose();
                _stream.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
