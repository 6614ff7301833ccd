using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.FastTree;
using Microsoft.ML.Transforms;
using NetworkBuster.Training.Training;

namespace NetworkBuster.Training.Cli.Benchmarks;

/// <summary>What a bare ML.NET run measured.</summary>
/// <param name="Elapsed">Load, fit, evaluate and save, end to end.</param>
/// <param name="Rmse">RMSE on the held-out rows.</param>
public sealed record BareRunResult(TimeSpan Elapsed, double Rmse);

/// <summary>
/// The reference for the pipeline: plain ML.NET on a local copy of a <c>performance-optimizer</c> CSV — a
/// <c>TextLoader</c>, the same features the pipeline derives (timestamp parts, one-hot endpoint, the numeric
/// columns), the same FastTree options, a 70/30 split of which 20% of all rows are scored, and a saved model zip.
/// No storage, no queue, no snapshots, no registry.
/// </summary>
public static class BareMlNet
{
    /// <summary>Runs load → fit → evaluate → save on <paramref name="csvPath"/>.</summary>
    /// <param name="csvPath">The local CSV.</param>
    /// <param name="modelPath">Where the model zip goes.</param>
    /// <param name="seed">The split and trainer seed.</param>
    public static BareRunResult Run(string csvPath, string modelPath, int seed = 42)
    {
        var watch = Stopwatch.StartNew();
        var ml = new MLContext(seed);
        var loader = ml.Data.CreateTextLoader(new TextLoader.Options
        {
            HasHeader = true,
            Separators = [','],
            Columns =
            [
                new TextLoader.Column("timestamp", DataKind.String, 0),
                new TextLoader.Column("endpoint", DataKind.String, 1),
                new TextLoader.Column("Label", DataKind.Single, 2),
                new TextLoader.Column("error_rate", DataKind.Single, 3),
                new TextLoader.Column("throughput_rps", DataKind.Single, 4),
                new TextLoader.Column("cache_hit_rate", DataKind.Single, 5),
            ],
        });
        var data = loader.Load(csvPath);
        var split = ml.Data.TrainTestSplit(data, testFraction: 0.3, seed: seed);
        var test = ml.Data.TrainTestSplit(split.TestSet, testFraction: 2.0 / 3, seed: seed).TestSet;
        var p = TrainerFactory.Effective(TrainerCatalog.FastTree, new Dictionary<string, double>());
        var pipeline = ml.Transforms.CustomMapping(new TimestampPartsFactory().GetMapping(), TimestampPartsFactory.ContractName)
            .Append(ml.Transforms.Categorical.OneHotEncoding("endpoint__onehot", "endpoint", maximumNumberOfKeys: 1000))
            .Append(ml.Transforms.Concatenate(
                "Features", "timestamp_hour", "timestamp_day_of_week", "timestamp_day_of_month", "timestamp_month", "error_rate", "throughput_rps", "cache_hit_rate", "endpoint__onehot"))
            .Append(ml.Regression.Trainers.FastTree(new FastTreeRegressionTrainer.Options
            {
                LabelColumnName = "Label",
                FeatureColumnName = "Features",
                NumberOfTrees = (int)p["numberOfTrees"],
                NumberOfLeaves = (int)p["numberOfLeaves"],
                LearningRate = p["learningRate"],
                MinimumExampleCountPerLeaf = (int)p["minimumExampleCountPerLeaf"],
            }));
        var model = pipeline.Fit(split.TrainSet);
        var metrics = ml.Regression.Evaluate(model.Transform(test), "Label");
        ml.Model.Save(model, data.Schema, modelPath);
        return new BareRunResult(watch.Elapsed, metrics.RootMeanSquaredError);
    }
}

/// <summary>A timestamp cell, as the bare reference reads it.</summary>
public sealed class TimestampCell
{
    /// <summary>The cell's text.</summary>
    [ColumnName("timestamp")]
    public string Timestamp { get; set; } = "";
}

/// <summary>The calendar parts the pipeline derives from a timestamp (hour, day of week, day of month, month).</summary>
public sealed class TimestampParts
{
    /// <summary>Hour of day (UTC).</summary>
    [ColumnName("timestamp_hour")]
    public float Hour { get; set; }

    /// <summary>Day of week, Sunday = 0.</summary>
    [ColumnName("timestamp_day_of_week")]
    public float DayOfWeek { get; set; }

    /// <summary>Day of month.</summary>
    [ColumnName("timestamp_day_of_month")]
    public float DayOfMonth { get; set; }

    /// <summary>Month.</summary>
    [ColumnName("timestamp_month")]
    public float Month { get; set; }
}

/// <summary>The custom mapping that expands a timestamp, saved with the bare reference's model under its contract name.</summary>
[CustomMappingFactoryAttribute(ContractName)]
public sealed class TimestampPartsFactory : CustomMappingFactory<TimestampCell, TimestampParts>
{
    /// <summary>The mapping's contract name in saved models.</summary>
    public const string ContractName = "nbtrain-bench-timestamp-parts";

    /// <inheritdoc />
    public override Action<TimestampCell, TimestampParts> GetMapping() => static (cell, parts) =>
    {
        if (DateTime.TryParse(cell.Timestamp.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var at))
        {
            parts.Hour = at.Hour;
            parts.DayOfWeek = (float)at.DayOfWeek;
            parts.DayOfMonth = at.Day;
            parts.Month = at.Month;
        }
        else
        {
            parts.Hour = parts.DayOfWeek = parts.DayOfMonth = parts.Month = float.NaN;
        }
    };
}
