namespace NetworkBuster.Training.Datasets;

/// <summary>
/// A content-addressed cache of snapshot splits on this machine, in their local row form, keyed by the SHA-256 of
/// the staged Arrow file they were read from (or written as), so a machine reads a split from staging at most once.
/// An entry is written under a temporary name and renamed into place, so no reader, in this process or another,
/// ever sees half a file; a job takes an entry as a hard link in its own folder (a copy where links are refused),
/// so deleting that folder or evicting the entry leaves the other name whole. Entries over the byte bound are
/// evicted least recently used first (an entry's write time is its last use).
/// </summary>
/// <param name="folder">The cache folder (created on first use).</param>
/// <param name="maxBytes">The byte bound; 0 turns the cache off.</param>
internal sealed class SnapshotCache(string folder, long maxBytes)
{
    private const string Suffix = ".rows";
    private static readonly TimeSpan AbandonedAfter = TimeSpan.FromHours(1);

    /// <summary>The cache folder.</summary>
    public string Folder => folder;

    /// <summary>Whether entries are kept at all.</summary>
    public bool Enabled => maxBytes > 0;

    /// <summary>Puts the cached split of <paramref name="sha256"/> at <paramref name="destination"/>; false when it is not cached.</summary>
    public bool TryTake(string sha256, string destination)
    {
        if (!Enabled)
        {
            return false;
        }

        var entry = Entry(sha256);
        try
        {
            if (!HardLink.TryCreate(entry, destination))
            {
                if (!File.Exists(entry))
                {
                    return false;
                }

                File.Copy(entry, destination);
            }

            File.SetLastWriteTimeUtc(entry, DateTime.UtcNow);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Evicted (by this process or another) between the look and the copy: the caller downloads.
            TryDelete(destination);
            return false;
        }
    }

    /// <summary>Adds a complete local split under its hash (the source stays where it is), then evicts over the bound; best effort, never throws for the file system.</summary>
    public void Add(string sha256, string source)
    {
        if (!Enabled)
        {
            return;
        }

        Directory.CreateDirectory(folder);
        var temporary = Path.Combine(folder, $"{sha256}.{Guid.NewGuid():N}.tmp");
        try
        {
            if (!HardLink.TryCreate(source, temporary))
            {
                File.Copy(source, temporary);
            }

            // Same content under the same name: a concurrent writer that renamed first is simply replaced.
            File.Move(temporary, Entry(sha256), overwrite: true);
            File.SetLastWriteTimeUtc(Entry(sha256), DateTime.UtcNow);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Best effort: the entry is held open where that forbids replacing it (Windows, and it is there already),
            // or evicted by another process at once; either way the job goes on with its own copy.
        }
        finally
        {
            TryDelete(temporary);
        }

        Evict();
    }

    /// <summary>Deletes least recently used entries until the cache is within its bound, and temporary files left by crashed writers.</summary>
    public void Evict()
    {
        if (!Directory.Exists(folder))
        {
            return;
        }

        var directory = new DirectoryInfo(folder);
        foreach (var abandoned in directory.EnumerateFiles("*.tmp").Where(f => DateTime.UtcNow - f.LastWriteTimeUtc > AbandonedAfter))
        {
            TryDelete(abandoned.FullName);
        }

        var entries = directory.EnumerateFiles("*" + Suffix).OrderBy(f => f.LastWriteTimeUtc).ToList();
        long total = entries.Sum(f => f.Length);
        foreach (var entry in entries)
        {
            if (total <= maxBytes)
            {
                break;
            }

            TryDelete(entry.FullName);
            total -= entry.Length;
        }
    }

    private string Entry(string sha256) =>
        sha256.Length == 64 && sha256.All(char.IsAsciiHexDigitLower)
            ? Path.Combine(folder, sha256 + Suffix)
            : throw new ArgumentException($"Expected a lowercase hex SHA-256 (64 characters), found '{sha256}'.", nameof(sha256));

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // In use (Windows) or gone: the next eviction tries again.
        }
    }
}
