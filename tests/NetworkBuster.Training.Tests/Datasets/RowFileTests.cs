using System.Text;
using NetworkBuster.Training.Datasets;

namespace NetworkBuster.Training.Tests.Datasets;

/// <summary>The compact snapshot format reads back every value exactly, concatenated files included.</summary>
public class RowFileTests
{
    private static readonly float[] Numbers = [0, 1, 23, 86_399, 16_777_215, 16_777_216, -0f, -3, 157.3f, float.NaN, 1e30f, 0.0056f];

    [Fact]
    public void WriteRead_EdgeValuesManyCategoriesAndALongText_ReadBackExactly()
    {
        var rows = Enumerable.Range(0, RowFile.MaxDictionary + 500)
            .Select(i => (Numbers: Numbers.Select(n => n + (i % 3 == 0 ? 0 : i)).ToArray(), Strings: new[] { "/api/" + (i % 7), "v" + i, i == 17 ? new string('é', 70_000) : "" }))
            .ToList();
        var stream = new MemoryStream();
        using (var writer = new RowFile.Writer(stream, Numbers.Length, 3))
        {
            foreach (var (numbers, strings) in rows)
            {
                writer.Write(numbers, strings);
            }
        }

        var read = ReadAll(stream.ToArray(), Numbers.Length, 3);

        Assert.Equal(rows.Count, read.Count);
        for (int i = 0; i < rows.Count; i++)
        {
            Assert.Equal(rows[i].Numbers.Select(BitConverter.SingleToInt32Bits), read[i].Numbers.Select(BitConverter.SingleToInt32Bits));
            Assert.Equal(rows[i].Strings, read[i].Strings);
        }
    }

    [Fact]
    public void Read_TwoFilesConcatenated_ReadsBothWithTheirOwnDictionaries()
    {
        byte[] File(params string[] values)
        {
            var stream = new MemoryStream();
            using var writer = new RowFile.Writer(stream, 1, 1);
            foreach (var value in values)
            {
                writer.Write([1], [value]);
            }

            writer.Dispose();
            return stream.ToArray();
        }

        var read = ReadAll([.. File("a", "b", "a"), .. File("c", "c", "b")], 1, 1);

        Assert.Equal(["a", "b", "a", "c", "c", "b"], read.Select(r => r.Strings[0]));
    }

    [Fact]
    public void Read_TheEarlierLayout_StillReads()
    {
        var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(12.5f);
            writer.Write(3f);
            writer.Write("/api/users");
        }

        var read = ReadAll(stream.ToArray(), 2, 1);

        Assert.Equal([12.5f, 3f], Assert.Single(read).Numbers);
        Assert.Equal("/api/users", read[0].Strings[0]);
    }

    private static List<(float[] Numbers, string[] Strings)> ReadAll(byte[] bytes, int numberCount, int stringCount)
    {
        var rows = new List<(float[], string[])>();
        using var reader = new RowFile.Reader(new MemoryStream(bytes), numberCount, stringCount);
        while (true)
        {
            var numbers = new float[numberCount];
            var strings = new string[stringCount];
            if (!reader.Read(numbers, strings))
            {
                return rows;
            }

            rows.Add((numbers, strings));
        }
    }
}
