using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.FastTree;
using NetworkBuster.Training.Contracts;
using NetworkBuster.Training.Datasets;
using NetworkBuster.Training.Metrics;

namespace NetworkBuster.Training.Training;

/// <summary>A boosting round count and the validation score it reached.</summary>
/// <param name="Rounds">Trees kept (1-based).</param>
/// <param name="Value">The watched metric on the validation rows with that many trees.</param>
/// <param name="Metric">The metric watched.</param>
public sealed record BestRound(int Rounds, double Value, string Metric);

/// <summary>
/// Scores a fitted tree ensemble round by round on featurized validation rows (each tree's leaf value added in turn,
/// exactly as the ensemble sums them), so the round count can be chosen by the job's own metric: RMSE, MAE, MAPE, R²
/// or MSE for regression (exact), AUC for binary models (rank-based, so the raw margin is enough; threshold metrics are
/// chosen after the threshold, log-loss needs the calibrator the final fit makes).
/// </summary>
public sealed class StagedEnsemble
{
    private readonly float[][] _features;
    private readonly float[] _labels;

    private StagedEnsemble(float[][] features, float[] labels) => (_features, _labels) = (features, labels);

    /// <summary>Reads the featurized rows (the <see cref="TrainerFactory.FeaturesColumn"/> vector and the label).</summary>
    public static StagedEnsemble Read(IDataView featurized)
    {
        ArgumentNullException.ThrowIfNull(featurized);
        var featureColumn = featurized.Schema[TrainerFactory.FeaturesColumn];
        var labelColumn = featurized.Schema[SnapshotSchema.LabelColumn];
        var features = new List<float[]>();
        var labels = new List<float>();
        using var cursor = featurized.GetRowCursor([featureColumn, labelColumn]);
        var getFeatures = cursor.GetGetter<VBuffer<float>>(featureColumn);
        var getLabel = ReadLabel(cursor, labelColumn);
        var buffer = default(VBuffer<float>);
        while (cursor.MoveNext())
        {
            getFeatures(ref buffer);
            features.Add(buffer.DenseValues().ToArray());
            labels.Add(getLabel());
        }

        return new StagedEnsemble([.. features], [.. labels]);
    }

    /// <summary>The rows read.</summary>
    public int Count => _labels.Length;

    /// <summary>
    /// The round count with the best <paramref name="metric"/> (AUC for binary tasks), scanning until
    /// <paramref name="patience"/> rounds pass without improvement (0: all rounds).
    /// </summary>
    public BestRound Best(TreeEnsemble<RegressionTree> ensemble, ModelTask task, MetricDefinition metric, int patience = 0) =>
        BestOf(Curve(ensemble, task, metric, patience), Watched(task, metric), patience);

    /// <summary>The metric watched for a task: the primary one, or AUC for binary models.</summary>
    public static MetricDefinition Watched(ModelTask task, MetricDefinition metric) => task == ModelTask.Binary ? MetricCatalog.Auc : metric;

    /// <summary>The best round of a validation curve (entry k: the metric with k + 1 trees).</summary>
    public static BestRound BestOf(IReadOnlyList<double> curve, MetricDefinition watched, int patience = 0)
    {
        ArgumentNullException.ThrowIfNull(curve);
        ArgumentNullException.ThrowIfNull(watched);
        var best = new BestRound(0, double.NaN, watched.Name);
        for (int t = 0; t < curve.Count; t++)
        {
            double value = curve[t];
            if (best.Rounds == 0 || (double.IsFinite(value) && (!double.IsFinite(best.Value) || watched.IsBetter(value, best.Value))))
            {
                best = new BestRound(t + 1, value, watched.Name);
            }
            else if (patience > 0 && t + 1 - best.Rounds >= patience)
            {
                break;
            }
        }

        return best;
    }

    /// <summary>
    /// The watched metric after each round (entry k: with k + 1 trees); with a patience, it ends that many rounds after
    /// the best so far.
    /// </summary>
    public double[] Curve(TreeEnsemble<RegressionTree> ensemble, ModelTask task, MetricDefinition metric, int patience = 0)
    {
        ArgumentNullException.ThrowIfNull(ensemble);
        ArgumentNullException.ThrowIfNull(metric);
        var watched = Watched(task, metric);
        var scores = new double[_labels.Length];
        Array.Fill(scores, ensemble.Bias);
        var curve = new List<double>();
        int bestRound = 0;
        for (int t = 0; t < ensemble.Trees.Count; t++)
        {
            var tree = ensemble.Trees[t];
            double weight = ensemble.TreeWeights[t];
            for (int i = 0; i < scores.Length; i++)
            {
                scores[i] += weight * Leaf(tree, _features[i]);
            }

            double value = task == ModelTask.Binary ? Auc(scores, _labels) : Regression(watched.Name, scores, _labels);
            curve.Add(value);
            if (bestRound == 0 || (double.IsFinite(value) && (!double.IsFinite(curve[bestRound - 1]) || watched.IsBetter(value, curve[bestRound - 1]))))
            {
                bestRound = t + 1;
            }
            else if (patience > 0 && t + 1 - bestRound >= patience)
            {
                break;
            }
        }

        return [.. curve];
    }

    /// <summary>The ensemble's raw output for each row with all its trees (what the model itself computes).</summary>
    public double[] Scores(TreeEnsemble<RegressionTree> ensemble)
    {
        ArgumentNullException.ThrowIfNull(ensemble);
        return [.. _features.Select(f => ensemble.Bias + ensemble.Trees.Select((tree, t) => ensemble.TreeWeights[t] * Leaf(tree, f)).Sum())];
    }

    private static double Leaf(RegressionTree tree, float[] features)
    {
        if (tree.NumberOfLeaves <= 1)
        {
            return tree.LeafValues.Count > 0 ? tree.LeafValues[0] : 0;
        }

        int node = 0;
        while (node >= 0)
        {
            bool left;
            if (tree.CategoricalSplitFlags[node])
            {
                var range = tree.GetCategoricalCategoricalSplitFeatureRangeAt(node);
                var set = tree.GetCategoricalSplitFeaturesAt(node);
                left = true;
                for (int f = range[0]; f <= range[1] && left; f++)
                {
                    left = !(features[f] > 0 && set.Contains(f));
                }
            }
            else
            {
                left = features[tree.NumericalSplitFeatureIndexes[node]] <= tree.NumericalSplitThresholds[node];
            }

            node = left ? tree.LeftChild[node] : tree.RightChild[node];
        }

        return tree.LeafValues[~node];
    }

    private static double Regression(string metric, double[] scores, float[] labels)
    {
        double sse = 0, sae = 0, relative = 0, mean = 0;
        long relatives = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            double error = labels[i] - scores[i];
            sse += error * error;
            sae += Math.Abs(error);
            mean += labels[i];
            if (labels[i] != 0)
            {
                relative += Math.Abs(error / labels[i]);
                relatives++;
            }
        }

        int n = Math.Max(1, labels.Length);
        mean /= n;
        return metric switch
        {
            "MAE" => sae / n,
            "MAPE" => relatives == 0 ? double.NaN : 100 * relative / relatives,
            "MSE" => sse / n,
            "R2" => 1 - (sse / Math.Max(double.Epsilon, labels.Sum(y => (y - mean) * (y - mean)))),
            _ => Math.Sqrt(sse / n),
        };
    }

    // Mann–Whitney: the share of (positive, negative) pairs ranked the right way, ties counting half.
    private static double Auc(double[] scores, float[] labels)
    {
        var order = Enumerable.Range(0, scores.Length).OrderBy(i => scores[i]).ToArray();
        double rankSum = 0;
        long positives = 0;
        for (int start = 0; start < order.Length;)
        {
            int end = start;
            while (end + 1 < order.Length && scores[order[end + 1]] == scores[order[start]])
            {
                end++;
            }

            double rank = ((start + end) / 2.0) + 1;
            for (int k = start; k <= end; k++)
            {
                if (labels[order[k]] > 0)
                {
                    rankSum += rank;
                    positives++;
                }
            }

            start = end + 1;
        }

        long negatives = scores.Length - positives;
        return positives == 0 || negatives == 0 ? double.NaN : (rankSum - (positives * (positives + 1) / 2.0)) / (positives * (double)negatives);
    }

    /// <summary>A getter of the label as a number: a boolean label reads as 0 or 1.</summary>
    internal static Func<float> ReadLabel(DataViewRowCursor cursor, DataViewSchema.Column column)
    {
        if (column.Type == BooleanDataViewType.Instance)
        {
            var getter = cursor.GetGetter<bool>(column);
            bool value = false;
            return () => { getter(ref value); return value ? 1 : 0; };
        }

        var numbers = cursor.GetGetter<float>(column);
        float number = 0;
        return () => { numbers(ref number); return number; };
    }
}
