using NetworkBuster.Training.Datasets;

namespace NetworkBuster.Training.Tests.Datasets;

public sealed class SnapshotCacheTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "nbtrain-cache-test-" + Guid.NewGuid().ToString("N")[..8]);

    public SnapshotCacheTests() => Directory.CreateDirectory(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static string Hash(char c) => new(c, 64);

    private string Source(string name, int bytes)
    {
        var path = Path.Combine(_root, name);
        File.WriteAllBytes(path, [.. Enumerable.Repeat((byte)name[0], bytes)]);
        return path;
    }

    [Fact]
    public void Add_OverTheByteBound_EvictsTheLeastRecentlyUsed_AndATakenCopyOutlivesItsEntry()
    {
        var cache = new SnapshotCache(Path.Combine(_root, "cache"), maxBytes: 2500);
        cache.Add(Hash('a'), Source("a", 1000));
        Thread.Sleep(20);
        cache.Add(Hash('b'), Source("b", 1000));
        Thread.Sleep(20);
        var takenB = Path.Combine(_root, "b-taken");
        Assert.True(cache.TryTake(Hash('b'), takenB));
        Thread.Sleep(20);
        Assert.True(cache.TryTake(Hash('a'), Path.Combine(_root, "a-taken"))); // a is now the most recently used
        Thread.Sleep(20);

        cache.Add(Hash('c'), Source("c", 1000));

        Assert.Equal(["a", "c"], Directory.GetFiles(cache.Folder).Select(f => Path.GetFileName(f)[..1]).Order());
        Assert.False(cache.TryTake(Hash('b'), Path.Combine(_root, "b-late")));
        Assert.False(File.Exists(Path.Combine(_root, "b-late")));
        Assert.Equal(1000, File.ReadAllBytes(takenB).Count(b => b == (byte)'b'));
        Assert.True(cache.TryTake(Hash('c'), Path.Combine(_root, "c-taken")));
    }

    [Fact]
    public void Add_AnEntryLargerThanTheBound_IsNotKept_AndABoundOfZeroKeepsNothing()
    {
        var small = new SnapshotCache(Path.Combine(_root, "small"), maxBytes: 500);
        small.Add(Hash('a'), Source("a", 1000));
        var off = new SnapshotCache(Path.Combine(_root, "off"), maxBytes: 0);
        off.Add(Hash('b'), Source("b", 10));

        Assert.False(small.TryTake(Hash('a'), Path.Combine(_root, "a-taken")));
        Assert.False(off.TryTake(Hash('b'), Path.Combine(_root, "b-taken")));
        Assert.False(Directory.Exists(off.Folder));
        Assert.True(File.Exists(Path.Combine(_root, "a")));
    }

    [Fact]
    public void Add_TheSameHashTwice_KeepsOneEntry_AndLeavesNoTemporaryFile()
    {
        var cache = new SnapshotCache(Path.Combine(_root, "cache"), maxBytes: 10_000);

        Parallel.For(0, 8, i => cache.Add(Hash('d'), Source("d" + i, 100)));

        Assert.Equal([Hash('d') + ".rows"], Directory.GetFiles(cache.Folder).Select(Path.GetFileName));
    }

    [Fact]
    public void Evict_ATemporaryFileOfACrashedWriter_IsDeletedOnceOld_NotWhileFresh()
    {
        var cache = new SnapshotCache(Path.Combine(_root, "cache"), maxBytes: 10_000);
        Directory.CreateDirectory(cache.Folder);
        var old = Path.Combine(cache.Folder, Hash('e') + ".1.tmp");
        var fresh = Path.Combine(cache.Folder, Hash('e') + ".2.tmp");
        File.WriteAllText(old, "half");
        File.WriteAllText(fresh, "half");
        File.SetLastWriteTimeUtc(old, DateTime.UtcNow.AddHours(-2));

        cache.Evict();

        Assert.False(File.Exists(old));
        Assert.True(File.Exists(fresh));
    }

    [Fact]
    public void Validate_ANegativeCacheBound_NamesTheSettingAndTheValue() =>
        Assert.Equal(
            ["Training:Ingest:SnapshotCacheBytes must be 0–1099511627776 (0 turns the cache off), found -1."],
            new IngestOptions { SnapshotCacheBytes = -1 }.Validate());
}
