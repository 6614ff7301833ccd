using System.Buffers;
using System.Threading.Channels;

namespace NetworkBuster.Training.Datasets;

/// <summary>
/// A read-only stream that reads <c>inner</c> ahead on a background task (up to <c>depth</c> buffers), so whatever
/// reading <c>inner</c> costs (the download, and a <see cref="HashingReadStream"/>'s SHA-256) runs on the other core
/// while the reader (ingest's parser) works. A failure of <c>inner</c> surfaces on the read that reaches it.
/// </summary>
internal sealed class PrefetchReadStream : Stream
{
    private readonly Stream _inner;
    private readonly int _bufferSize;
    private readonly Channel<(byte[] Buffer, int Count)> _queue;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _pump;
    private (byte[] Buffer, int Count) _current;
    private int _offset;
    private bool _ended;
    private bool _disposed;

    /// <param name="inner">The source (owned: disposed with this stream).</param>
    /// <param name="bufferSize">Bytes per read-ahead buffer.</param>
    /// <param name="depth">Buffers read ahead at most.</param>
    public PrefetchReadStream(Stream inner, int bufferSize = 1 << 20, int depth = 4)
    {
        ArgumentNullException.ThrowIfNull(inner);
        _inner = inner;
        _bufferSize = bufferSize;
        _queue = Channel.CreateBounded<(byte[], int)>(new BoundedChannelOptions(depth) { SingleReader = true, SingleWriter = true });
        _pump = Task.Run(PumpAsync);
    }

    /// <inheritdoc />
    public override bool CanRead => true;

    /// <inheritdoc />
    public override bool CanSeek => false;

    /// <inheritdoc />
    public override bool CanWrite => false;

    /// <inheritdoc />
    public override long Length => throw new NotSupportedException();

    /// <inheritdoc />
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <summary>Reads to the end and waits for the background reader, so <c>inner</c> is read completely and idle.</summary>
    public async Task FinishAsync(CancellationToken cancellationToken = default)
    {
        var buffer = new byte[1 << 16];
        while (await ReadAsync(buffer, cancellationToken) > 0)
        {
        }

        await _pump;
    }

    /// <inheritdoc />
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    /// <inheritdoc />
    public override int Read(Span<byte> buffer) =>
        buffer.IsEmpty || !(Available() || AdvanceAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult()) ? 0 : Take(buffer);

    /// <inheritdoc />
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc />
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        buffer.IsEmpty || !(Available() || await AdvanceAsync(cancellationToken)) ? 0 : Take(buffer.Span);

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
    public override async ValueTask DisposeAsync()
    {
        await CloseAsync();
        await base.DisposeAsync();
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            CloseAsync().AsTask().GetAwaiter().GetResult();
        }

        base.Dispose(disposing);
    }

    private async ValueTask CloseAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await _stop.CancelAsync();
        try
        {
            await _pump;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Stopped early, or already reported by the read that reached the failure.
        }

        Return();
        while (_queue.Reader.TryRead(out var left))
        {
            ArrayPool<byte>.Shared.Return(left.Buffer);
        }

        _stop.Dispose();
        await _inner.DisposeAsync();
    }

    private bool Available() => _current.Buffer is not null && _offset < _current.Count;

    private int Take(Span<byte> destination)
    {
        int n = Math.Min(destination.Length, _current.Count - _offset);
        _current.Buffer.AsSpan(_offset, n).CopyTo(destination);
        _offset += n;
        return n;
    }

    // Moves to the next read-ahead buffer; false at the end (after surfacing the source's failure, if any).
    private async ValueTask<bool> AdvanceAsync(CancellationToken cancellationToken)
    {
        if (_ended)
        {
            return false;
        }

        Return();
        if (!await _queue.Reader.WaitToReadAsync(cancellationToken) || !_queue.Reader.TryRead(out _current))
        {
            _ended = true;
            await _pump;
            return false;
        }

        _offset = 0;
        return true;
    }

    private void Return()
    {
        if (_current.Buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(_current.Buffer);
            _current = default;
        }
    }

    private async Task PumpAsync()
    {
        try
        {
            while (true)
            {
                var buffer = ArrayPool<byte>.Shared.Rent(_bufferSize);
                int count = 0;
                while (count < _bufferSize && await _inner.ReadAsync(buffer.AsMemory(count, _bufferSize - count), _stop.Token) is var n && n > 0)
                {
                    count += n;
                }

                if (count == 0)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    return;
                }

                await _queue.Writer.WriteAsync((buffer, count), _stop.Token);
            }
        }
        finally
        {
            _queue.Writer.TryComplete();
        }
    }
}
