using NetworkBuster.Training.Datasets;

namespace NetworkBuster.Training.Tests.Datasets;

public class PrefetchReadStreamTests
{
    [Fact]
    public async Task Read_SmallAndLargeReads_ReturnEveryByteInOrder_AndFinishLeavesTheSourceRead()
    {
        var bytes = new byte[3_000_001];
        new Random(3).NextBytes(bytes);
        var source = new MemoryStream(bytes);
        await using var prefetch = new PrefetchReadStream(source, bufferSize: 1 << 16, depth: 2);

        var read = new MemoryStream();
        var buffer = new byte[7919];
        read.Write(buffer, 0, prefetch.Read(buffer, 0, 13));
        int n;
        while ((n = await prefetch.ReadAsync(buffer)) > 0)
        {
            read.Write(buffer, 0, n);
        }

        await prefetch.FinishAsync();
        Assert.Equal(bytes, read.ToArray());
        Assert.Equal(bytes.Length, source.Position);
    }

    [Fact]
    public async Task Read_ASourceThatFails_SurfacesItsException_OnTheReadThatReachesIt()
    {
        await using var prefetch = new PrefetchReadStream(new FailingStream(), bufferSize: 16, depth: 1);
        var buffer = new byte[64];

        var ex = await Assert.ThrowsAsync<IOException>(async () =>
        {
            while (await prefetch.ReadAsync(buffer) > 0)
            {
            }
        });

        Assert.Equal("the connection dropped", ex.Message);
    }

    private sealed class FailingStream : MemoryStream
    {
        private int _reads;

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ++_reads > 3 ? throw new IOException("the connection dropped") : ValueTask.FromResult(buffer.Length);
    }
}
