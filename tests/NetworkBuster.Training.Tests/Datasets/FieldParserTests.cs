using System.Globalization;
using NetworkBuster.Training.Datasets;

namespace NetworkBuster.Training.Tests.Datasets;

/// <summary>The fast paths ingest parses cells with give exactly what the framework's parsers give.</summary>
public class FieldParserTests
{
    [Theory]
    [InlineData("2025-01-15T10:00:00Z")]
    [InlineData("2025-01-15T10:00:00")]
    [InlineData("2025-01-15 23:59:59")]
    [InlineData("2024-02-29T00:00:00Z")]
    [InlineData("2025-02-29T00:00:00Z")]
    [InlineData("2025-13-01T00:00:00Z")]
    [InlineData("2025-01-15T24:00:00Z")]
    [InlineData("2025-01-15T10:60:00Z")]
    [InlineData("2025-01-15T10:00:00+02:00")]
    [InlineData("2025-01-15T10:00:00.123Z")]
    [InlineData("2025-01-15")]
    [InlineData("15/01/2025 10:00")]
    [InlineData("0000-01-15T10:00:00Z")]
    [InlineData("2025-0a-15T10:00:00Z")]
    [InlineData("not a date")]
    public void Timestamp_AnyCell_SameResultAsDateTimeTryParse(string cell)
    {
        bool expectedOk = DateTime.TryParse(cell, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var expected);

        bool ok = TimestampParser.TryParse(cell.AsSpan(), out var value);

        Assert.Equal(expectedOk, ok);
        Assert.Equal(expected.Ticks, value.Ticks);
    }

    [Fact]
    public void Number_RandomDecimalsAndEdgeCases_SameDoubleAsDoubleTryParse()
    {
        var random = new Random(5);
        var cells = new List<string> { "0", "-0", "5.", "0.1", "157.3", "0.0056", "-12.5", "999999999999999", "9999999999999999", "1e5", "+3", ".5", "1.2.3", "-", "", "12a", "0.30000000000000004", "NaN" };
        for (int i = 0; i < 20_000; i++)
        {
            double v = (random.NextDouble() - 0.3) * Math.Pow(10, random.Next(-6, 12));
            cells.Add(v.ToString("F" + random.Next(0, 10).ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture));
        }

        foreach (var cell in cells)
        {
            bool expectedOk = double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out double expected);

            bool ok = InvariantNumber.TryParse(cell, out double value);

            Assert.True(expectedOk == ok, cell);
            Assert.True(BitConverter.DoubleToInt64Bits(expected) == BitConverter.DoubleToInt64Bits(value), $"{cell}: {value} vs {expected}");
        }
    }
}
