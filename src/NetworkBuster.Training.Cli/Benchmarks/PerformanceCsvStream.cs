using System.Text;
using NetworkBuster.Training.Cli.Samples;

namespace NetworkBuster.Training.Cli.Benchmarks;

/// <summary>
/// A read-only stream of generated <c>performance-optimizer</c> CSV (header first), produced row by row as it is
/// read: a gigabyte can be uploaded without ever being held in memory or written to disk.
/// It ends after <c>maxRows</c> records or at the first record boundary at or past <c>maxBytes</c>.
/// </summary>
public sealed class PerformanceCsvStream : Stream
{
    private readonly IEnumerator<string> _lines;
    private readonly long _maxRows;
    private readonly long _maxBytes;
    private byte[] _pending;
    private int _offset;
    private long _generated;

    /// <summary>Creates the stream.</summary>
    /// <param name="maxRows">Records to produce at most.</param>
    /// <param name="maxBytes">Bytes after which no further record starts.</param>
    /// <param name="seed">The generator's seed.</param>
    public PerformanceCsvStream(long maxRows = long.MaxValue, long maxBytes = long.MaxValue, int seed = 7)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxRows);
        ArgumentOutOfRangeException.ThrowIfNegative(maxBytes);
        _maxRows = maxRows;
        _maxBytes = maxBytes;
        _lines = PerformanceSampleData.Lines(seed).GetEnumerator();
        _pending = Encoding.UTF8.GetBytes(PerformanceSampleData.Header + "\n");
        _generated = _pending.Length;
    }

    /// <summary>Records produced so far.</summary>
    public long Rows { get; private set; }

    /// <summary>Bytes read so far.</summary>
    public long BytesRead { get; private set; }

    /// <inheritdoc />
    public override bool CanRead => true;

    /// <inheritdoc />
    public override bool CanSeek => false;

    /// <inheritdoc />
    public override bool CanWrite => false;

    /// <inheritdoc />
    public override long Length => throw new NotSupportedException();

    /// <inheritdoc />
    public override long Position { get => BytesRead; set => throw new NotSupportedException(); }

    /// <inheritdoc />
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    /// <inheritdoc />
    public override int Read(Span<byte> buffer)
    {
        int written = 0;
        while (written < buffer.Length)
        {
            if (_offset == _pending.Length && !Next())
            {
                break;
            }

            int n = Math.Min(buffer.Length - written, _pending.Length - _offset);
            _pending.AsSpan(_offset, n).CopyTo(buffer[written..]);
            _offset += n;
            written += n;
        }

        BytesRead += written;
        return written;
    }

    /// <inheritdoc />
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer.AsSpan(offset, count)));

    /// <inheritdoc />
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    /// <inheritdoc />
    public override void Flush()
    {
    }

    /// <inheritdoc />
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc />
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <inheritdoc />
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _lines.Dispose();
        }

        base.Dispose(disposing);
    }

    private bool Next()
    {
        if (Rows >= _maxRows || _generated >= _maxBytes || !_lines.MoveNext())
        {
            return false;
        }

        _pending = Encoding.UTF8.GetBytes(_lines.Current);
        _generated += _pending.Length;
        _offset = 0;
        Rows++;
        return true;
    }
}
