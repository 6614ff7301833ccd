using Microsoft.ML;
using Microsoft.ML.Data;
using NetworkBuster.Training.Datasets;

namespace NetworkBuster.Training.Evaluation;

/// <summary>Snapshot rows held in memory (a bounded sample), so columns can be permuted or edited and re-scored.</summary>
/// <param name="Schema">The layout.</param>
/// <param name="Numbers">Per row: the label, then the numeric features.</param>
/// <param name="Strings">Per row: the string features.</param>
public sealed record RowArrays(SnapshotSchema Schema, float[][] Numbers, string[][] Strings)
{
    /// <summary>Reads up to <paramref name="maxRows"/> rows, evenly spaced over the file when it holds more.</summary>
    public static RowArrays Load(string path, SnapshotSchema schema, long rows, int maxRows)
    {
        using var file = File.OpenRead(path);
        return Load(file, schema, rows, maxRows);
    }

    /// <summary>Reads up to <paramref name="maxRows"/> rows of a snapshot stream, evenly spaced over it when it holds more.</summary>
    public static RowArrays Load(Stream file, SnapshotSchema schema, long rows, int maxRows)
    {
        ArgumentNullException.ThrowIfNull(schema);
        int numberCount = 1 + schema.NumberColumns.Count, stringCount = schema.StringColumns.Count;
        long step = Math.Max(1, (rows + maxRows - 1) / Math.Max(1, maxRows));
        var numbers = new List<float[]>();
        var strings = new List<string[]>();
        using var reader = new RowFile.Reader(file, numberCount, stringCount);
        var n = new float[numberCount];
        var s = new string[stringCount];
        for (long i = 0; reader.Read(n, s); i++)
        {
            if (i % step == 0)
            {
                numbers.Add((float[])n.Clone());
                strings.Add((string[])s.Clone());
            }
        }

        return new RowArrays(schema, [.. numbers], [.. strings]);
    }

    /// <summary>Every label of a snapshot file, in order.</summary>
    public static IEnumerable<float> Labels(string path, SnapshotSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        using var file = File.OpenRead(path);
        using var reader = new RowFile.Reader(file, 1 + schema.NumberColumns.Count, schema.StringColumns.Count);
        var n = new float[1 + schema.NumberColumns.Count];
        var s = new string[schema.StringColumns.Count];
        while (reader.Read(n, s))
        {
            yield return n[0];
        }
    }

    /// <summary>The storage index of a feature column: in <see cref="Numbers"/> (label at 0) or in <see cref="Strings"/>.</summary>
    public (bool IsNumber, int Index) Locate(string column)
    {
        int n = Schema.NumberColumns.ToList().FindIndex(c => c.Name == column);
        return n >= 0 ? (true, n + 1) : (false, Schema.StringColumns.ToList().FindIndex(c => c.Name == column));
    }

    /// <summary>A copy whose column is replaced row by row.</summary>
    public RowArrays With(string column, Func<int, float> number, Func<int, string> text)
    {
        ArgumentNullException.ThrowIfNull(number);
        ArgumentNullException.ThrowIfNull(text);
        var (isNumber, index) = Locate(column);
        var numbers = isNumber ? Numbers.Select((r, i) => { var c = (float[])r.Clone(); c[index] = number(i); return c; }).ToArray() : Numbers;
        var strings = isNumber ? Strings : Strings.Select((r, i) => { var c = (string[])r.Clone(); c[index] = text(i); return c; }).ToArray();
        return this with { Numbers = numbers, Strings = strings };
    }

    /// <summary>The rows as an ML.NET view with the snapshot's schema.</summary>
    public IDataView ToDataView() => new View(this);

    private sealed class View(RowArrays rows) : IDataView
    {
        public bool CanShuffle => false;

        public DataViewSchema Schema { get; } = RowFileDataView.BuildSchema(rows.Schema);

        public long? GetRowCount() => rows.Numbers.Length;

        public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) => new Cursor(this, rows);

        public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) => [GetRowCursor(columnsNeeded, rand)];

        private sealed class Cursor(View view, RowArrays rows) : DataViewRowCursor
        {
            private int _position = -1;

            public override long Position => _position;

            public override long Batch => 0;

            public override DataViewSchema Schema => view.Schema;

            public override bool IsColumnActive(DataViewSchema.Column column) => true;

            public override bool MoveNext() => ++_position < rows.Numbers.Length;

            public override ValueGetter<DataViewRowId> GetIdGetter() => (ref DataViewRowId value) => value = new DataViewRowId((ulong)_position, 0);

            public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) =>
                RowFileDataView.Getter<TValue>(rows.Schema.Task, 1 + rows.Schema.NumberColumns.Count, column, () => rows.Numbers[_position], () => rows.Strings[_position]);
        }
    }
}
