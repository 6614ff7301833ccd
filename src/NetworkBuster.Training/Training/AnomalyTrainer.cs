using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using NetworkBuster.Training.Contracts;
using NetworkBuster.Training.Datasets;
using NetworkBuster.Training.Metrics;

namespace NetworkBuster.Training.Training;

/// <summary>What an anomaly fit produced: the model, the hyperparameters it used (rank resolved) and its decision threshold.</summary>
/// <param name="Model">The fitted pipeline (featurization, standardization, PCA).</param>
/// <param name="Hyperparameters">The effective hyperparameters, <c>rank</c> included.</param>
/// <param name="Threshold">The score at or above which a row is flagged.</param>
/// <param name="ThresholdSource">How the threshold was chosen, for people.</param>
public sealed record AnomalyFit(ITransformer Model, IReadOnlyDictionary<string, double> Hyperparameters, double Threshold, string ThresholdSource);

/// <summary>
/// Fits the <c>pca</c> anomaly model on train + validation, labels unseen (they never reach a feature), with the rank the
/// job set or the fewest components explaining 90% of the standardized features' variance (<see cref="ExplainedVariance"/>),
/// and chooses its
/// threshold: with known anomalies in the validation split, the best F1 there by a fit on train alone (as binary
/// models do); without, the score that flags the <c>contamination</c> share of the training rows.
/// </summary>
public static class AnomalyTrainer
{
    /// <summary>Fits and thresholds.</summary>
    /// <param name="ml">The seeded context.</param>
    /// <param name="schema">The snapshot layout.</param>
    /// <param name="train">The train split.</param>
    /// <param name="validation">The validation split.</param>
    /// <param name="all">Train + validation, the rows the model is fitted on.</param>
    /// <param name="hyperparameters">The job's hyperparameters (validated against <see cref="TrainerCatalog.Pca"/>).</param>
    /// <exception cref="TrainingException">InsufficientData with fewer than two feature values per row; InvalidHyperparameter when <c>rank</c> is not below them.</exception>
    public static AnomalyFit Fit(MLContext ml, SnapshotSchema schema, IDataView train, IDataView validation, IDataView all, IReadOnlyDictionary<string, double> hyperparameters)
    {
        ArgumentNullException.ThrowIfNull(ml);
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(hyperparameters);
        var p = new Dictionary<string, double>(TrainerFactory.Effective(TrainerCatalog.Pca, hyperparameters), StringComparer.Ordinal);
        var (standardized, features) = Standardize(ml, schema, all);
        if (features < 2)
        {
            throw new TrainingException(ErrorCode.InsufficientData, $"Expected at least 2 feature values per row for PCA to find a subspace in, but the features give {features}.");
        }

        if (p.TryGetValue(AnomalyOptions.Rank, out double rank) && rank >= features)
        {
            throw new TrainingException(
                ErrorCode.InvalidHyperparameter,
                $"Hyperparameter '{AnomalyOptions.Rank}' of trainer 'pca' must be below the {features} feature values per row (a rank of all of them leaves no residual to score), but found {rank.ToString(CultureInfo.InvariantCulture)}.");
        }

        p[AnomalyOptions.Rank] = p.TryGetValue(AnomalyOptions.Rank, out double r) ? r : ExplainedVariance.DefaultRank(standardized, features);
        var model = TrainerFactory.Build(ml, schema, TrainerCatalog.Pca, p).Fit(all);
        var (threshold, source) = schema.HasLabel ? ChooseOnValidation(ml, schema, train, validation, p) : (0d, null);
        if (source is null)
        {
            double contamination = p[AnomalyOptions.Contamination];
            var scores = AnomalyMetrics.Read(model.Transform(all)).Select(s => s.Score).ToList();
            threshold = AnomalyMetrics.ContaminationThreshold(scores, contamination);
            source = string.Create(CultureInfo.InvariantCulture, $"contamination {contamination:0.####}: the {1 - contamination:0.####} quantile of {scores.Count:N0} training rows' scores{(schema.HasLabel ? " (no known anomalies in the validation split)" : "")}");
        }

        return new AnomalyFit(model, p, threshold, source);
    }

    // The best F1 on validation, by a fit that has not seen those rows; null when they hold no known anomaly.
    private static (double, string?) ChooseOnValidation(MLContext ml, SnapshotSchema schema, IDataView train, IDataView validation, IReadOnlyDictionary<string, double> p)
    {
        var scored = AnomalyMetrics.Read(TrainerFactory.Build(ml, schema, TrainerCatalog.Pca, p).Fit(train).Transform(validation));
        int known = scored.Count(s => s.Label);
        if (known == 0 || known == scored.Count)
        {
            return (0, null);
        }

        double threshold = ThresholdPolicy.Default.Choose([.. scored.Select(s => (s.Label, s.Score))]);
        return (threshold, string.Create(CultureInfo.InvariantCulture, $"f1 on {scored.Count:N0} validation rows ({known} known anomalies)"));
    }

    // The standardized features of the fitted rows, and how many values a row has.
    private static (IDataView Standardized, int Count) Standardize(MLContext ml, SnapshotSchema schema, IDataView all)
    {
        var standardized = TrainerFactory.FeaturizeStandardized(ml, schema).Fit(all).Transform(all);
        return (standardized, standardized.Schema[TrainerFactory.FeaturesColumn].Type is VectorDataViewType { Size: > 0 } vector ? vector.Size : 0);
    }
}
