using System.Text.Json;
using NetworkBuster.Training.Contracts;

namespace NetworkBuster.Training.Drift;

/// <summary>
/// The compact distribution of one training column. Numeric: interior quantile bin edges and the rows per bin, the
/// percentiles for the KS statistic, mean, sd and the missing share. Categorical: the top categories' counts and the
/// rest as "other".
/// </summary>
/// <param name="Name">The snapshot column (<c>Label</c> for the label).</param>
/// <param name="Kind"><see cref="Numeric"/> or <see cref="Categorical"/>.</param>
/// <param name="Rows">Rows profiled.</param>
/// <param name="Missing">Rows without a value.</param>
public sealed record FeatureProfile(string Name, string Kind, long Rows, long Missing)
{
    /// <summary>A number column.</summary>
    public const string Numeric = "numeric";

    /// <summary>A category column.</summary>
    public const string Categorical = "categorical";

    /// <summary>Ascending, distinct interior edges: bin k holds values in (Edges[k-1], Edges[k]]; the last is above every edge.</summary>
    public IReadOnlyList<double>? Edges { get; init; }

    /// <summary>Present rows per bin (Edges.Count + 1 bins).</summary>
    public IReadOnlyList<long>? Counts { get; init; }

    /// <summary>The value at each of <see cref="ProfileBuilder.Percentiles"/> evenly spaced probabilities (for KS).</summary>
    public IReadOnlyList<double>? Quantiles { get; init; }

    /// <summary>Mean of the present values.</summary>
    public double? Mean { get; init; }

    /// <summary>Standard deviation of the present values.</summary>
    public double? Sd { get; init; }

    /// <summary>The most frequent categories and their rows.</summary>
    public IReadOnlyDictionary<string, long>? Categories { get; init; }

    /// <summary>Present rows of every other category.</summary>
    public long Other { get; init; }

    /// <summary>The share of rows without a value.</summary>
    public double MissingShare => Rows == 0 ? 0 : Missing / (double)Rows;
}

/// <summary>A version's <c>profile.json</c>: its training split, column by column.</summary>
/// <param name="Rows">Training rows profiled (an even sample when there are many rows or columns).</param>
/// <param name="Label">The label.</param>
/// <param name="Features">Numeric and categorical features (text is not profiled).</param>
public sealed record DatasetProfile(long Rows, FeatureProfile Label, IReadOnlyList<FeatureProfile> Features)
{
    /// <summary>As JSON.</summary>
    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, PipelineJson.Options);

    /// <summary>From JSON.</summary>
    public static DatasetProfile FromJson(BinaryData json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return json.ToObjectFromJson<DatasetProfile>(PipelineJson.Options) ?? throw new JsonException("profile.json is empty.");
    }
}
