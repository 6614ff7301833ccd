
namespace NetworkBuster.Training.Datasets;

/// <summary>Limits the ingest step enforces (configuration section <c>Training:Ingest</c>).</summary>
public sealed class IngestOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Training:Ingest";

    /// <summary>The largest dataset blob accepted, in bytes (default 4 GiB).</summary>
    public long MaxDatasetBytes { get; set; } = 4L << 30;

    /// <summary>The share of unreadable rows skipped and counted before the job fails with BadRows (default 1%).</summary>
    public double MaxBadRowShare { get; set; } = 0.01;

    /// <summary>The fewest usable rows a job may train on.</summary>
    public int MinRows { get; set; } = 30;

    /// <summary>The fewest rows the test split may hold.</summary>
    public int MinTestRows { get; set; } = 5;

    /// <summary>How many leading records are used to infer column types.</summary>
    public int SampleRows { get; set; } = 1000;

    /// <summary>Where snapshots are written locally before upload; the system temp folder when empty.</summary>
    public string? WorkDirectory { get; set; }

    /// <summary>
    /// The most bytes of snapshot splits this machine keeps in its cache (under <see cref="WorkDirectory"/>), so train
    /// and evaluate read a split ingest wrote, or an earlier step downloaded, without downloading it; least recently
    /// used splits go first. Default 4 GiB; 0 turns the cache off.
    /// </summary>
    public long SnapshotCacheBytes { get; set; } = 4L << 30;

    /// <summary>The longest CSV record (a row, or the header) ingest reads, in characters; a longer one is BadRows naming its line. Default 16 MB (a 20,000-column numeric row fits).</summary>
    public long MaxRecordBytes { get; set; } = 16L << 20;

    /// <summary>Every problem with the values, each naming the setting, the value found and the allowed range.</summary>
    public IEnumerable<string> Validate()
    {
        if (MaxDatasetBytes < 1)
        {
            yield return $"{Section}:MaxDatasetBytes must be at least 1, found {MaxDatasetBytes}.";
        }

        if (MaxBadRowShare is < 0 or > 1 || double.IsNaN(MaxBadRowShare))
        {
            yield return $"{Section}:MaxBadRowShare must be 0–1, found {MaxBadRowShare}.";
        }

        if (MinRows is < 1)
        {
            yield return $"{Section}:MinRows must be at least 1, found {MinRows}.";
        }

        if (MinTestRows is < 1)
        {
            yield return $"{Section}:MinTestRows must be at least 1, found {MinTestRows}.";
        }

        if (MaxRecordBytes is < 1024 or > 512L << 20)
        {
            yield return $"{Section}:MaxRecordBytes must be 1024–536870912, found {MaxRecordBytes}.";
        }

        if (SnapshotCacheBytes is < 0 or > 1L << 40)
        {
            yield return $"{Section}:SnapshotCacheBytes must be 0–1099511627776 (0 turns the cache off), found {SnapshotCacheBytes}.";
        }

        if (SampleRows is < 1 or > 1_000_000)
        {
            yield return $"{Section}:SampleRows must be 1–1000000, found {SampleRows}.";
        }
    }
}
