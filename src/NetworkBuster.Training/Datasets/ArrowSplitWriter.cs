using Apache.Arrow;
using Apache.Arrow.Ipc;

namespace NetworkBuster.Training.Datasets;

/// <summary>
/// Writes one split: rows are gathered into columns on the caller's thread, and each full record batch is encoded,
/// compressed and hashed into the staging upload (an Arrow IPC file) and appended to a local <see cref="RowFile"/>
/// copy on a background task while the caller fills the next batch. A failure of the background task surfaces on
/// the next full batch or on <see cref="Finish"/>.
/// </summary>
internal sealed class ArrowSplitWriter : IDisposable
{
    private readonly int _numberCount;
    private readonly int _stringCount;
    private readonly int _batchRows;
    private readonly HashingWriteStream _upload;
    private readonly Schema _schema;
    private readonly ArrowFileWriter _arrow;
    private readonly FileStream _localFile;
    private readonly RowFile.Writer _local;
    private Batch _filling;
    private Batch _spare;
    private Task _pending = Task.CompletedTask;
    private bool _finished;

    /// <param name="upload">The staging blob's stream (owned by the caller, left open).</param>
    /// <param name="localPath">Where the local row copy is written.</param>
    /// <param name="schema">The rows' layout.</param>
    public ArrowSplitWriter(Stream upload, string localPath, SnapshotSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        _numberCount = 1 + schema.NumberColumns.Count;
        _stringCount = schema.StringColumns.Count;
        _batchRows = ArrowSnapshot.BatchRows(_numberCount + _stringCount);
        _filling = new Batch(_numberCount, _stringCount, _batchRows);
        _spare = new Batch(_numberCount, _stringCount, _batchRows);
        _upload = new HashingWriteStream(upload, leaveOpen: true, claimSeekable: true);
        _schema = ArrowSnapshot.ToArrow(schema);
        _arrow = new ArrowFileWriter(_upload, _schema, leaveOpen: true, ArrowSnapshot.WriteOptions);
        _localFile = new FileStream(localPath, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        _local = new RowFile.Writer(_localFile, _numberCount, _stringCount);
    }

    /// <summary>Rows written so far.</summary>
    public long Rows { get; private set; }

    /// <summary>Appends one row.</summary>
    public void Write(ReadOnlySpan<float> numbers, string[] strings)
    {
        _filling.Add(numbers, strings);
        Rows++;
        if (_filling.Count == _batchRows)
        {
            Hand();
        }
    }

    /// <summary>Writes the last batch and the file's footer, and flushes the local copy.</summary>
    /// <returns>The SHA-256 (lowercase hex) and size of the Arrow file written to the upload.</returns>
    public (string Sha256, long Bytes) Finish()
    {
        if (!_finished)
        {
            _finished = true;
            _pending.GetAwaiter().GetResult();
            if (_filling.Count > 0 || Rows == 0)
            {
                WriteBatch(_filling);
            }

            _arrow.WriteEnd();
            _local.Dispose();
            _localFile.Dispose();
        }

        return (_upload.Finish(), _upload.BytesWritten);
    }

    /// <summary>Waits for a batch still being written and releases the local file (the upload is the caller's).</summary>
    public void Dispose()
    {
        try
        {
            _pending.Wait();
        }
        catch (AggregateException)
        {
            // Reported by the write or Finish that saw it; disposal only releases.
        }

        _arrow.Dispose();
        _localFile.Dispose();
        _upload.Dispose();
    }

    private void Hand()
    {
        _pending.GetAwaiter().GetResult();
        (_filling, _spare) = (_spare, _filling);
        var full = _spare;
        _pending = Task.Run(() => WriteBatch(full));
    }

    private void WriteBatch(Batch batch)
    {
        using (var record = batch.ToRecordBatch(_schema))
        {
            _arrow.WriteRecordBatch(record);
        }

        batch.CopyTo(_local);
        batch.Clear();
    }

    /// <summary>Rows of one record batch, by column.</summary>
    private sealed class Batch(int numberCount, int stringCount, int capacity)
    {
        private readonly float[][] _numbers = [.. Enumerable.Range(0, numberCount).Select(_ => new float[capacity])];
        private readonly string[][] _strings = [.. Enumerable.Range(0, stringCount).Select(_ => new string[capacity])];

        public int Count { get; private set; }

        public void Add(ReadOnlySpan<float> numbers, string[] strings)
        {
            for (int c = 0; c < numbers.Length; c++)
            {
                _numbers[c][Count] = numbers[c];
            }

            for (int c = 0; c < strings.Length; c++)
            {
                _strings[c][Count] = strings[c];
            }

            Count++;
        }

        public RecordBatch ToRecordBatch(Schema schema)
        {
            var columns = new List<IArrowArray>(numberCount + stringCount);
            foreach (var values in _numbers)
            {
                var bytes = System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan(0, Count)).ToArray();
                columns.Add(new FloatArray(new ArrowBuffer(bytes), ArrowBuffer.Empty, Count, nullCount: 0, offset: 0));
            }

            foreach (var values in _strings)
            {
                var builder = new StringArray.Builder();
                for (int row = 0; row < Count; row++)
                {
                    builder.Append(values[row]);
                }

                columns.Add(builder.Build());
            }

            return new RecordBatch(schema, columns, Count);
        }

        public void CopyTo(RowFile.Writer writer)
        {
            var numbers = new float[numberCount];
            var strings = new string[stringCount];
            for (int row = 0; row < Count; row++)
            {
                for (int c = 0; c < numberCount; c++)
                {
                    numbers[c] = _numbers[c][row];
                }

                for (int c = 0; c < stringCount; c++)
                {
                    strings[c] = _strings[c][row];
                }

                writer.Write(numbers, strings);
            }
        }

        public void Clear()
        {
            foreach (var values in _strings)
            {
                System.Array.Clear(values, 0, Count);
            }

            Count = 0;
        }
    }
}
