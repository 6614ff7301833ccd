using System.Globalization;
using NetworkBuster.Training.Contracts;

namespace NetworkBuster.Training.Datasets;

/// <summary>Infers a feature's kind from a sample of its cells.</summary>
internal static class TypeInference
{
    private const int MaxCategories = 1000;

    /// <summary>
    /// Numeric when every non-blank cell is a number; timestamp when every one is a date; categorical when values
    /// repeat; text when cells are long and varied; null (not a feature) for an identifier, whose values never repeat.
    /// </summary>
    /// <param name="name">The column name: a name such as <c>customerID</c> or <c>row_id</c> whose values never repeat marks an identifier, even when numeric.</param>
    /// <param name="cells">A sample of the column's cells.</param>
    public static FeatureKind? Infer(string name, IEnumerable<string> cells)
    {
        ArgumentNullException.ThrowIfNull(name);
        var values = cells.Select(c => c.Trim()).Where(c => c.Length > 0).ToList();
        if (values.Count == 0)
        {
            return null;
        }

        if (LooksLikeIdentifier(name) && values.Count >= 20 && values.Distinct(StringComparer.Ordinal).Count() == values.Count)
        {
            return null;
        }

        if (values.All(v => double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out _)))
        {
            return FeatureKind.Numeric;
        }

        if (values.All(v => v.Length >= 8 && (v.Contains('-', StringComparison.Ordinal) || v.Contains('/', StringComparison.Ordinal))
            && DateTime.TryParse(v, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _)))
        {
            return FeatureKind.Timestamp;
        }

        int distinct = values.Distinct(StringComparer.Ordinal).Count();
        if (values.Count >= 50 && distinct == values.Count && values.All(v => !v.Contains(' ', StringComparison.Ordinal)))
        {
            return null;
        }

        return distinct <= MaxCategories && values.Average(v => v.Length) < 40 ? FeatureKind.Categorical : FeatureKind.Text;
    }

    private static bool LooksLikeIdentifier(string name)
    {
        var n = name.Trim();
        return n.Equals("id", StringComparison.OrdinalIgnoreCase) || n.EndsWith("_id", StringComparison.OrdinalIgnoreCase)
            || n.EndsWith("ID", StringComparison.Ordinal) || n.EndsWith("Id", StringComparison.Ordinal)
            || n.Equals("uuid", StringComparison.OrdinalIgnoreCase) || n.Equals("key", StringComparison.OrdinalIgnoreCase);
    }
}
