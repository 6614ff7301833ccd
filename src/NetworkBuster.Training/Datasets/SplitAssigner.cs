using NetworkBuster.Training.Contracts;

namespace NetworkBuster.Training.Datasets;

/// <summary>Assigns rows to splits by a seeded hash of their position: reproducible, streaming, order-independent of other rows.</summary>
internal static class SplitAssigner
{
    /// <summary>The split of the row at <paramref name="index"/>.</summary>
    public static string Assign(SplitSpec split, long index)
    {
        ArgumentNullException.ThrowIfNull(split);
        double u = Uniform(split.Seed, index);
        return u < split.Test ? SplitName.Test : u < split.Test + split.Validation ? SplitName.Validation : SplitName.Train;
    }

    /// <summary>A uniform number in [0, 1) from a seed and an index (SplitMix64).</summary>
    public static double Uniform(int seed, long index)
    {
        ulong z = unchecked(((ulong)(uint)seed << 32) ^ (ulong)index) + 0x9E3779B97F4A7C15UL;
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        z ^= z >> 31;
        return (z >> 11) * (1.0 / (1UL << 53));
    }
}
