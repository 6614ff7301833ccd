using System.Globalization;

namespace NetworkBuster.Training.Datasets;

/// <summary>Parses numeric cells as invariant-culture numbers (<see cref="NumberStyles.Float"/>).</summary>
internal static class InvariantNumber
{
    private const int MaxFastDigits = 15;
    private static readonly double[] PowersOfTen = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

    /// <summary>
    /// Parses a cell. A plain decimal (an optional minus, digits, an optional point and digits; at most 15 digits)
    /// is computed as an exact integer divided by an exact power of ten, which IEEE division rounds correctly: the
    /// same double as <see cref="double.TryParse(ReadOnlySpan{char}, NumberStyles, IFormatProvider?, out double)"/>
    /// gives, several times faster. Everything else (exponents, a plus sign, more digits) goes to it.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<char> cell, out double value) =>
        TryParseFast(cell, out value) || double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out value);

    private static bool TryParseFast(ReadOnlySpan<char> s, out double value)
    {
        value = 0;
        int i = 0;
        bool negative = s.Length > 0 && s[0] == '-';
        i += negative ? 1 : 0;
        long mantissa = 0;
        int digits = 0;
        int fraction = -1;
        for (; i < s.Length; i++)
        {
            char c = s[i];
            uint d = (uint)(c - '0');
            if (d <= 9)
            {
                mantissa = (mantissa * 10) + d;
                digits++;
                fraction += fraction >= 0 ? 1 : 0;
            }
            else if (c == '.' && fraction < 0 && digits > 0)
            {
                fraction = 0;
            }
            else
            {
                return false;
            }
        }

        if (digits == 0 || digits > MaxFastDigits)
        {
            return false;
        }

        double magnitude = fraction > 0 ? mantissa / PowersOfTen[fraction] : mantissa;
        value = negative ? -magnitude : magnitude;
        return true;
    }
}
