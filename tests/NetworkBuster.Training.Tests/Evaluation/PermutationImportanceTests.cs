using Microsoft.ML;
using NetworkBuster.Training.Contracts;
using NetworkBuster.Training.Datasets;
using NetworkBuster.Training.Evaluation;
using NetworkBuster.Training.Metrics;

namespace NetworkBuster.Training.Tests.Evaluation;

/// <summary>
/// Permutation importance scores every shuffled copy in one batched pass; it must give exactly what scoring each
/// shuffled copy on its own gives, and rank the feature the label depends on first.
/// </summary>
public class PermutationImportanceTests
{
    [Theory]
    [InlineData(ModelTask.Regression, "RMSE", true)]
    [InlineData(ModelTask.Binary, "AUC", true)]
    [InlineData(ModelTask.Regression, "RMSE", false)]
    public void BatchedPassOrBlockViews_EqualScoringEachShuffledCopyOnItsOwn_AndRankTheSignalFirst(ModelTask task, string metricName, bool batchedPass)
    {
        var (ml, model, rows) = Fitted(task);
        var metric = MetricCatalog.ForTask(task).Single(m => m.Name == metricName);

        var batched = PermutationImportance.Compute(ml, model, rows, metric, seed: 17, batchedPass);
        var oneByOne = OneShuffleAtATime(ml, model, rows, metric, seed: 17);

        Assert.Equal(oneByOne, batched);
        Assert.Equal("signal", batched[0].Feature);
        Assert.True(batched[0].Importance > 5 * Math.Abs(batched.Single(f => f.Feature == "noise").Importance), string.Join(", ", batched));
        Assert.Equal(["city", "noise", "signal"], batched.Select(f => f.Feature).Order(StringComparer.Ordinal));
    }

    // The previous implementation, kept as the reference: each shuffled copy scored as a view of its own.
    private static List<FeatureImportance> OneShuffleAtATime(MLContext ml, ITransformer model, RowArrays rows, MetricDefinition metric, int seed)
    {
        double Score(RowArrays r) => MetricsCalculator.Compute(ml, r.Schema.Task, model.Transform(r.ToDataView()))[metric.Name];
        double baseline = Score(rows);
        var random = new Random(seed);
        var result = new List<FeatureImportance>();
        foreach (var column in PermutationImportance.Screened(rows))
        {
            var (isNumber, index) = rows.Locate(column.Name);
            double total = 0;
            for (int repeat = 0; repeat < PermutationImportance.Repeats; repeat++)
            {
                var order = Enumerable.Range(0, rows.Numbers.Length).ToArray();
                random.Shuffle(order);
                var shuffled = rows.With(column.Name, i => isNumber ? rows.Numbers[order[i]][index] : 0, i => isNumber ? "" : rows.Strings[order[i]][index]);
                double value = Score(shuffled);
                total += metric.HigherIsBetter ? baseline - value : value - baseline;
            }

            result.Add(new FeatureImportance(column.Name, Math.Round(total / PermutationImportance.Repeats, 6)));
        }

        return [.. result.OrderByDescending(f => f.Importance).ThenBy(f => f.Feature, StringComparer.Ordinal)];
    }

    private static (MLContext, ITransformer, RowArrays) Fitted(ModelTask task)
    {
        var schema = new SnapshotSchema(task, "y",
        [
            new SnapshotColumn("signal", SnapshotColumnKind.Number, "signal"),
            new SnapshotColumn("noise", SnapshotColumnKind.Number, "noise"),
            new SnapshotColumn("city", SnapshotColumnKind.Category, "city", 3),
        ]);
        var random = new Random(3);
        string[] cities = ["oslo", "lima", "pune"];
        var numbers = new float[600][];
        var strings = new string[600][];
        for (int i = 0; i < numbers.Length; i++)
        {
            float signal = (float)random.NextDouble() * 10, noise = (float)random.NextDouble() * 10;
            int city = random.Next(3);
            double y = (3 * signal) + city + (random.NextDouble() * 2);
            numbers[i] = [task == ModelTask.Binary ? (y > 16 ? 1 : 0) : (float)y, signal, noise];
            strings[i] = [cities[city]];
        }

        var rows = new RowArrays(schema, numbers, strings);
        var ml = new MLContext(seed: 1);
        var features = ml.Transforms.Categorical.OneHotEncoding("cityHot", "city").Append(ml.Transforms.Concatenate("Features", "signal", "noise", "cityHot"));
        var model = task == ModelTask.Binary
            ? features.Append(ml.BinaryClassification.Trainers.FastTree(numberOfTrees: 20, minimumExampleCountPerLeaf: 5)).Fit(rows.ToDataView())
            : (ITransformer)features.Append(ml.Regression.Trainers.FastTree(numberOfTrees: 20, minimumExampleCountPerLeaf: 5)).Fit(rows.ToDataView());
        return (ml, model, rows);
    }
}
