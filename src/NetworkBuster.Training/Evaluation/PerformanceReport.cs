using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace NetworkBuster.Training.Evaluation;

/// <summary>A what-if: the mean predicted latency change when one input is improved, other inputs unchanged.</summary>
/// <param name="Feature">The input changed.</param>
/// <param name="Change">The change, for people (e.g. "+10 points").</param>
/// <param name="DeltaMs">The mean predicted change in ms (negative: faster).</param>
/// <param name="DeltaPercent">The same, as a percentage of the predicted mean.</param>
public sealed record WhatIfDelta(string Feature, string Change, double DeltaMs, double DeltaPercent);

/// <summary>One endpoint's latency, its bottleneck and the recommended change.</summary>
/// <param name="Endpoint">The endpoint.</param>
/// <param name="Rows">Test rows of it.</param>
/// <param name="MeanLatencyMs">Observed mean latency on the test rows.</param>
/// <param name="P95LatencyMs">Observed 95th percentile.</param>
/// <param name="PredictedMeanMs">The model's mean prediction on the same rows.</param>
/// <param name="WhatIfs">Every what-if, largest reduction first.</param>
/// <param name="Bottleneck">The input whose improvement cuts latency most, or "none" under 1%.</param>
/// <param name="Recommendation">The change to make, for people.</param>
public sealed record EndpointReport(string Endpoint, int Rows, double MeanLatencyMs, double P95LatencyMs, double PredictedMeanMs, IReadOnlyList<WhatIfDelta> WhatIfs, string Bottleneck, string Recommendation);

/// <summary>
/// The <c>performance-optimizer</c> report: per endpoint, what-if deltas predicted by the model (cache hit rate +10
/// points, error rate halved, throughput −20%), the bottleneck and a recommendation, slowest endpoint first. Computed in
/// the core, stored in <c>metadata.json</c> (and compactly in the registry row), shown by the operator CLI.
/// </summary>
/// <param name="Endpoints">Per endpoint, slowest first.</param>
/// <param name="TopFeatures">The model's most important inputs (permutation importance on RMSE).</param>
public sealed record PerformanceReport(IReadOnlyList<EndpointReport> Endpoints, IReadOnlyList<FeatureImportance> TopFeatures)
{
    private static readonly (string Feature, string Change, Func<float, float, float> Apply)[] Scenarios =
    [
        ("cache_hit_rate", "+10 points", (v, max) => Math.Min(max > 1.5f ? 100 : 1, v + (max > 1.5f ? 10 : 0.1f))),
        ("error_rate", "halved", (v, _) => v / 2),
        ("throughput_rps", "-20%", (v, _) => v * 0.8f),
    ];

    /// <summary>Computes the report from the model and sampled test rows.</summary>
    public static PerformanceReport Compute(MLContext ml, ITransformer model, RowArrays rows, IReadOnlyList<FeatureImportance> importance)
    {
        ArgumentNullException.ThrowIfNull(ml);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(rows);
        var endpoint = rows.Locate("endpoint");
        var baseline = Predict(ml, model, rows);
        var scenarios = Scenarios.Where(s => rows.Locate(s.Feature) is (true, > 0)).Select(s =>
        {
            var (_, index) = rows.Locate(s.Feature);
            float max = rows.Numbers.Max(r => float.IsNaN(r[index]) ? 0 : r[index]);
            return (s.Feature, s.Change, Predicted: Predict(ml, model, rows.With(s.Feature, i => s.Apply(rows.Numbers[i][index], max), _ => "")));
        }).ToList();
        var reports = new List<EndpointReport>();
        var groups = Enumerable.Range(0, rows.Numbers.Length).GroupBy(i => endpoint is (false, >= 0) ? rows.Strings[i][endpoint.Index] : "(all)");
        foreach (var group in groups)
        {
            var indices = group.ToList();
            double predicted = indices.Average(i => baseline[i]);
            var observed = indices.Select(i => (double)rows.Numbers[i][0]).Order().ToList();
            var whatIfs = scenarios
                .Select(s => (s.Feature, s.Change, Delta: indices.Average(i => s.Predicted[i] - baseline[i])))
                .Select(s => new WhatIfDelta(s.Feature, s.Change, Math.Round(s.Delta, 2), Math.Round(predicted == 0 ? 0 : 100 * s.Delta / predicted, 2)))
                .OrderBy(w => w.DeltaMs)
                .ToList();
            var best = whatIfs.FirstOrDefault(w => w.DeltaPercent <= -1);
            reports.Add(new EndpointReport(
                group.Key,
                indices.Count,
                Math.Round(observed.Average(), 2),
                Math.Round(observed[(int)Math.Min(observed.Count - 1, Math.Ceiling(0.95 * observed.Count) - 1)], 2),
                Math.Round(predicted, 2),
                whatIfs,
                best?.Feature ?? "none",
                best is null
                    ? "No single input moves predicted latency by 1% or more; look at the endpoint's own cost."
                    : string.Create(CultureInfo.InvariantCulture, $"{Advice(best.Feature)}: predicted {best.DeltaMs:+0.#;-0.#} ms ({best.DeltaPercent:+0.#;-0.#}%) with {best.Feature} {best.Change}.")));
        }

        return new PerformanceReport([.. reports.OrderByDescending(r => r.PredictedMeanMs)], [.. (importance ?? []).Take(5)]);
    }

    /// <summary>The compact form for the registry row: endpoint → bottleneck and its predicted delta.</summary>
    public IReadOnlyDictionary<string, string> Compact() => Endpoints.ToDictionary(
        e => e.Endpoint,
        e => e.WhatIfs.FirstOrDefault(w => w.Feature == e.Bottleneck) is { } w
            ? string.Create(CultureInfo.InvariantCulture, $"{e.Bottleneck} {w.Change}: {w.DeltaMs:+0.#;-0.#} ms")
            : "none");

    private static string Advice(string feature) => feature switch
    {
        "cache_hit_rate" => "Raise the cache hit rate (cache more responses, longer TTLs)",
        "error_rate" => "Fix the errors (failed calls retry and wait)",
        _ => "Shed or spread load (rate limits, more instances)",
    };

    private static float[] Predict(MLContext ml, ITransformer model, RowArrays rows) =>
        [.. model.Transform(rows.ToDataView()).GetColumn<float>("Score")];
}
