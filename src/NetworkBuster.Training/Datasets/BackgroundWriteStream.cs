using System.Buffers;
using System.Threading.Channels;

namespace NetworkBuster.Training.Datasets;

/// <summary>
/// A write-only stream that hands filled buffers to a background task writing them to <c>inner</c>, so the writer
/// (ingest's parser) keeps working while the previous buffers upload. At most <c>depth</c> buffers wait; a writer
/// that gets that far ahead waits for the upload. A failure of the inner stream surfaces on the next write or on
/// dispose. Disposing flushes, waits for every buffer to be written and disposes <c>inner</c> (which commits a
/// blob write stream).
/// </summary>
internal sealed class BackgroundWriteStream : Stream
{
    private readonly Stream _inner;
    private readonly int _bufferSize;
    private readonly Channel<(byte[] Buffer, int Count)> _queue;
    private readonly Task _pump;
    private byte[] _buffer;
    private int _count;
    private long _written;
    private bool _disposed;

    /// <summary>Starts the background writer.</summary>
    /// <param name="inner">The destination (owned: disposed with this stream).</param>
    /// <param name="bufferSize">Bytes per handed-over buffer.</param>
    /// <param name="depth">Buffers that may wait for the destination.</param>
    public BackgroundWriteStream(Stream inner, int bufferSize = 1 << 20, int depth = 8)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentOutOfRangeException.ThrowIfLessThan(bufferSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(depth, 1);
        _inner = inner;
        _bufferSize = bufferSize;
        _queue = Channel.CreateBounded<(byte[], int)>(new BoundedChannelOptions(depth) { SingleReader = true, SingleWriter = true });
        _buffer = ArrayPool<byte>.Shared.Rent(bufferSize);
        _pump = Task.Run(PumpAsync);
    }

    /// <inheritdoc />
    public override bool CanRead => false;

    /// <inheritdoc />
    public override bool CanSeek => false;

    /// <inheritdoc />
    public override bool CanWrite => !_disposed;

    /// <inheritdoc />
    public override long Length => throw new NotSupportedException();

    /// <inheritdoc />
    public override long Position { get => _written; set => throw new NotSupportedException(); }

    /// <inheritdoc />
    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    /// <inheritdoc />
    public override void Write(ReadOnlySpan<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        while (!buffer.IsEmpty)
        {
            int n = Math.Min(buffer.Length, _bufferSize - _count);
            buffer[..n].CopyTo(_buffer.AsSpan(_count));
            _count += n;
            _written += n;
            buffer = buffer[n..];
            if (_count == _bufferSize)
            {
                Hand();
            }
        }
    }

    /// <inheritdoc />
    public override void Flush()
    {
        // Buffers are handed over when full and on dispose; the destination commits only on dispose.
    }

    /// <inheritdoc />
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <inheritdoc />
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc />
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <inheritdoc />
    public override async ValueTask DisposeAsync()
    {
        await CloseCoreAsync();
        await base.DisposeAsync();
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            CloseCoreAsync().AsTask().GetAwaiter().GetResult();
        }

        base.Dispose(disposing);
    }

    private async ValueTask CloseCoreAsync()
    {
        if (!_disposed)
        {
            _disposed = true;
            try
            {
                if (_count > 0)
                {
                    await _queue.Writer.WriteAsync((_buffer, _count));
                }
                else
                {
                    ArrayPool<byte>.Shared.Return(_buffer);
                }

                _queue.Writer.TryComplete();
                await _pump;
            }
            catch (ChannelClosedException)
            {
                await _pump;
                throw;
            }
            finally
            {
                await _inner.DisposeAsync();
            }
        }
    }

    private void Hand()
    {
        var full = (_buffer, _count);
        try
        {
            if (!_queue.Writer.TryWrite(full))
            {
                // The destination is behind: wait for a free slot (back-pressure).
                _queue.Writer.WriteAsync(full).AsTask().GetAwaiter().GetResult();
            }
        }
        catch (ChannelClosedException)
        {
            // The background writer failed: surface its exception.
            _pump.GetAwaiter().GetResult();
            throw;
        }

        _buffer = ArrayPool<byte>.Shared.Rent(_bufferSize);
        _count = 0;
    }

    private async Task PumpAsync()
    {
        try
        {
            await foreach (var (buffer, count) in _queue.Reader.ReadAllAsync())
            {
                try
                {
                    await _inner.WriteAsync(buffer.AsMemory(0, count));
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
        }
        catch
        {
            _queue.Writer.TryComplete();
            throw;
        }
    }
}
