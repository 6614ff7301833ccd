using Microsoft.ML;
using Microsoft.ML.Data;
using NetworkBuster.Training.Datasets;

namespace NetworkBuster.Training.Evaluation;

/// <summary>
/// Sampled rows and their permuted copies as one ML.NET view, without copying them: block 0 is the rows as they are,
/// block k (from 1) is the rows with one column's values taken from other rows (the k-th <see cref="Shuffle"/>). A
/// <see cref="BlockColumn"/> tells the blocks apart after scoring.
/// </summary>
/// <param name="rows">The sampled rows.</param>
/// <param name="shuffles">One per permuted block, in block order.</param>
internal sealed class PermutedRows(RowArrays rows, IReadOnlyList<PermutedRows.Shuffle> shuffles) : IDataView
{
    /// <summary>The column holding each row's block number.</summary>
    public const string BlockColumn = "PermutationBlock";

    /// <summary>A permuted block: the schema column it shuffles, and for each row, the row its value comes from.</summary>
    /// <param name="Column">The schema index of the shuffled column (label at 0, then numbers, then strings).</param>
    /// <param name="Order">Source row of each row's value.</param>
    public sealed record Shuffle(int Column, int[] Order);

    private readonly int _rowCount = rows.Numbers.Length;
    private int _first;
    private int _count = 1 + shuffles.Count;

    /// <inheritdoc />
    public bool CanShuffle => false;

    /// <inheritdoc />
    public DataViewSchema Schema { get; } = BuildSchema(rows.Schema);

    /// <summary>A view of one block alone (0: the rows as they are).</summary>
    public PermutedRows Block(int block)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(block, shuffles.Count);
        return new PermutedRows(rows, shuffles) { _first = block, _count = 1 };
    }

    /// <inheritdoc />
    public long? GetRowCount() => (long)_rowCount * _count;

    /// <inheritdoc />
    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) => new Cursor(this);

    /// <inheritdoc />
    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) => [GetRowCursor(columnsNeeded, rand)];

    private static DataViewSchema BuildSchema(SnapshotSchema schema)
    {
        var builder = new DataViewSchema.Builder();
        builder.AddColumns(RowFileDataView.BuildSchema(schema));
        builder.AddColumn(BlockColumn, NumberDataViewType.Single);
        return builder.ToSchema();
    }

    private sealed class Cursor(PermutedRows view) : DataViewRowCursor
    {
        private long _position = -1;
        private int _block;
        private int _row;

        public override long Position => _position;

        public override long Batch => 0;

        public override DataViewSchema Schema => view.Schema;

        public override bool IsColumnActive(DataViewSchema.Column column) => true;

        public override bool MoveNext()
        {
            if (++_position >= view.GetRowCount())
            {
                return false;
            }

            (_block, _row) = (view._first + (int)(_position / view._rowCount), (int)(_position % view._rowCount));
            return true;
        }

        public override ValueGetter<DataViewRowId> GetIdGetter() => (ref DataViewRowId value) => value = new DataViewRowId((ulong)_position, 0);

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            if (column.Name == BlockColumn && column.Index == view.Schema.Count - 1)
            {
                return (ValueGetter<float>)((ref float value) => value = _block) as ValueGetter<TValue>
                    ?? throw new InvalidOperationException($"Column '{BlockColumn}' is a Single, not {typeof(TValue).Name}.");
            }

            // The column's value comes from another row only in the block that shuffles it.
            int index = column.Index;
            int Source() => _block > 0 && view.Shuffles[_block - 1].Column == index ? view.Shuffles[_block - 1].Order[_row] : _row;
            var rows = view.Rows;
            return RowFileDataView.Getter<TValue>(rows.Schema.Task, 1 + rows.Schema.NumberColumns.Count, column, () => rows.Numbers[Source()], () => rows.Strings[Source()]);
        }
    }

    private RowArrays Rows => rows;

    private IReadOnlyList<Shuffle> Shuffles => shuffles;
}
