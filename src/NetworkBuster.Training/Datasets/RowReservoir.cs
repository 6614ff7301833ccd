namespace NetworkBuster.Training.Datasets;

/// <summary>
/// A seeded uniform sample of at most <c>capacity</c> rows of a stream of rows (reservoir sampling), kept while the rows
/// are written, so a split can be profiled without reading it back. The same rows in the same order give the same sample.
/// </summary>
/// <param name="capacity">The most rows kept.</param>
/// <param name="seed">The sample's seed.</param>
internal sealed class RowReservoir(int capacity, int seed)
{
    private readonly List<float[]> _numbers = [];
    private readonly List<string[]> _strings = [];
    private readonly Random _random = new(seed);
    private long _seen;

    /// <summary>Per kept row: the label, then the numeric features.</summary>
    public IReadOnlyList<float[]> Numbers => _numbers;

    /// <summary>Per kept row: the string features.</summary>
    public IReadOnlyList<string[]> Strings => _strings;

    /// <summary>Offers a row; it is copied only when kept.</summary>
    public void Add(ReadOnlySpan<float> numbers, string[] strings)
    {
        long index = _seen++;
        if (_numbers.Count < capacity)
        {
            _numbers.Add(numbers.ToArray());
            _strings.Add((string[])strings.Clone());
            return;
        }

        long slot = _random.NextInt64(index + 1);
        if (slot < capacity)
        {
            _numbers[(int)slot] = numbers.ToArray();
            _strings[(int)slot] = (string[])strings.Clone();
        }
    }
}
