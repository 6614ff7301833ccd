using NetworkBuster.Training.Datasets;

namespace NetworkBuster.Training.Tests.Datasets;

/// <summary>The train-split sample ingest keeps for the profile while it writes the split.</summary>
public class RowReservoirTests
{
    [Fact]
    public void FewerRowsThanCapacity_AreAllKept_AsCopiesOfTheCallersBuffers()
    {
        var reservoir = new RowReservoir(capacity: 10, seed: 1);
        var numbers = new float[2];
        var strings = new string[1];
        for (int i = 0; i < 5; i++)
        {
            (numbers[0], numbers[1], strings[0]) = (i, i * 10, $"c{i}");
            reservoir.Add(numbers, strings);
        }

        Assert.Equal([0f, 1, 2, 3, 4], reservoir.Numbers.Select(n => n[0]));
        Assert.Equal(["c0", "c1", "c2", "c3", "c4"], reservoir.Strings.Select(s => s[0]));
    }

    [Fact]
    public void ManyRows_KeepCapacityRows_SpreadOverTheWholeStream_AndTheSameSeedKeepsTheSameRows()
    {
        static RowReservoir Fill(int seed)
        {
            var reservoir = new RowReservoir(capacity: 500, seed);
            var numbers = new float[1];
            var strings = Array.Empty<string>();
            for (int i = 0; i < 100_000; i++)
            {
                numbers[0] = i;
                reservoir.Add(numbers, strings);
            }

            return reservoir;
        }

        var first = Fill(seed: 7);
        var again = Fill(seed: 7);
        var other = Fill(seed: 8);

        var kept = first.Numbers.Select(n => (double)n[0]).ToList();
        Assert.Equal(500, kept.Count);
        Assert.Equal(500, kept.Distinct().Count());

        // A uniform sample of 0..99,999: mean 50,000 (sd of the mean about 1,300), every fifth of the stream represented.
        Assert.InRange(kept.Average(), 45_000, 55_000);
        Assert.All(Enumerable.Range(0, 5), fifth => Assert.InRange(kept.Count(k => k >= fifth * 20_000 && k < (fifth + 1) * 20_000), 70, 130));
        Assert.Equal(kept, again.Numbers.Select(n => (double)n[0]));
        Assert.NotEqual(kept, other.Numbers.Select(n => (double)n[0]));
    }
}
