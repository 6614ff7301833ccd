using NetworkBuster.Training.Datasets;

namespace NetworkBuster.Training.Tests.Datasets;

/// <summary>The stream ingest writes split snapshots through: everything written arrives, in order, and failures surface.</summary>
public class BackgroundWriteStreamTests
{
    [Fact]
    public async Task Write_ManySmallWritesAcrossBuffers_ArriveInOrderOnDispose()
    {
        var expected = Enumerable.Range(0, 100_003).Select(i => (byte)(i * 31)).ToArray();
        var inner = new MemoryStream();
        await using (var stream = new BackgroundWriteStream(new NonClosing(inner), bufferSize: 1000, depth: 2))
        {
            for (int i = 0; i < expected.Length; i += 7)
            {
                stream.Write(expected.AsSpan(i, Math.Min(7, expected.Length - i)));
            }
        }

        Assert.Equal(expected, inner.ToArray());
    }

    [Fact]
    public async Task Write_InnerStreamFails_SurfacesTheFailure()
    {
        var stream = new BackgroundWriteStream(new Failing(), bufferSize: 10, depth: 1);

        var ex = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            for (int i = 0; i < 1000; i++)
            {
                stream.Write(new byte[10]);
                await Task.Yield();
            }

            await stream.DisposeAsync();
        });

        Assert.Contains("disk on fire", ex.ToString(), StringComparison.Ordinal);
    }

    private sealed class NonClosing(Stream inner) : MemoryStream
    {
        public override void Write(ReadOnlySpan<byte> buffer) => inner.Write(buffer);

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            inner.Write(buffer.Span);
            return ValueTask.CompletedTask;
        }
    }

    private sealed class Failing : MemoryStream
    {
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromException(new IOException("disk on fire"));
    }
}
