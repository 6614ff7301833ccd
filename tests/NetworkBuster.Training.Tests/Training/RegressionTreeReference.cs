namespace NetworkBuster.Training.Tests.Training;

/// <summary>
/// The small-data reference the issue names: a single regression tree (CART: binary splits minimising squared error,
/// leaves predict their mean) with its depth and minimum leaf chosen by 5-fold cross-validation on mean relative error,
/// as papers on configurable-system performance report it. Written here, independent of ML.NET.
/// </summary>
internal sealed class RegressionTreeReference
{
    private static readonly int[] Depths = [1, 2, 3, 4, 5, 6, 8, 10, 14];
    private static readonly int[] MinLeaves = [1, 2, 3, 4, 5];

    private readonly Node _root;

    private RegressionTreeReference(Node root) => _root = root;

    /// <summary>The (depth, minimum leaf) the grid chose.</summary>
    public (int Depth, int MinLeaf) Chosen { get; private init; }

    /// <summary>Grid-searches depth and minimum leaf by 5-fold mean relative error, then fits on all rows.</summary>
    public static RegressionTreeReference FitWithGridSearch(double[][] x, double[] y, int seed)
    {
        var fold = Enumerable.Range(0, y.Length).OrderBy(_ => 0).ToArray();
        var random = new Random(seed);
        var shuffled = Enumerable.Range(0, y.Length).OrderBy(_ => random.Next()).ToArray();
        for (int i = 0; i < shuffled.Length; i++)
        {
            fold[shuffled[i]] = i % 5;
        }

        var best = (Depth: 0, MinLeaf: 0, Error: double.PositiveInfinity);
        foreach (int depth in Depths)
        {
            foreach (int minLeaf in MinLeaves)
            {
                double error = 0;
                for (int f = 0; f < 5; f++)
                {
                    var train = Enumerable.Range(0, y.Length).Where(i => fold[i] != f).ToArray();
                    var test = Enumerable.Range(0, y.Length).Where(i => fold[i] == f).ToArray();
                    var tree = new RegressionTreeReference(Grow(x, y, train, depth, minLeaf));
                    error += test.Sum(i => Math.Abs((y[i] - tree.Predict(x[i])) / y[i]));
                }

                if (error < best.Error)
                {
                    best = (depth, minLeaf, error);
                }
            }
        }

        return new RegressionTreeReference(Grow(x, y, [.. Enumerable.Range(0, y.Length)], best.Depth, best.MinLeaf)) { Chosen = (best.Depth, best.MinLeaf) };
    }

    /// <summary>The tree's prediction for one row.</summary>
    public double Predict(double[] row)
    {
        var node = _root;
        while (node.Left is not null)
        {
            node = row[node.Feature] <= node.Threshold ? node.Left : node.Right!;
        }

        return node.Value;
    }

    private static Node Grow(double[][] x, double[] y, int[] rows, int depth, int minLeaf)
    {
        double mean = rows.Average(i => y[i]);
        if (depth == 0 || rows.Length < 2 * minLeaf)
        {
            return new Node(mean);
        }

        var best = (Feature: -1, Threshold: 0.0, Error: rows.Sum(i => (y[i] - mean) * (y[i] - mean)) - 1e-9);
        for (int feature = 0; feature < x[0].Length; feature++)
        {
            var sorted = rows.OrderBy(i => x[i][feature]).ToArray();
            double leftSum = 0, leftSquares = 0, total = sorted.Sum(i => y[i]), totalSquares = sorted.Sum(i => y[i] * y[i]);
            for (int k = 0; k < sorted.Length - 1; k++)
            {
                leftSum += y[sorted[k]];
                leftSquares += y[sorted[k]] * y[sorted[k]];
                int left = k + 1, right = sorted.Length - left;
                if (left < minLeaf || right < minLeaf || x[sorted[k]][feature] == x[sorted[k + 1]][feature])
                {
                    continue;
                }

                double error = leftSquares - (leftSum * leftSum / left) + (totalSquares - leftSquares) - ((total - leftSum) * (total - leftSum) / right);
                if (error < best.Error)
                {
                    best = (feature, (x[sorted[k]][feature] + x[sorted[k + 1]][feature]) / 2, error);
                }
            }
        }

        if (best.Feature < 0)
        {
            return new Node(mean);
        }

        var (l, r) = (rows.Where(i => x[i][best.Feature] <= best.Threshold).ToArray(), rows.Where(i => x[i][best.Feature] > best.Threshold).ToArray());
        return new Node(mean) { Feature = best.Feature, Threshold = best.Threshold, Left = Grow(x, y, l, depth - 1, minLeaf), Right = Grow(x, y, r, depth - 1, minLeaf) };
    }

    private sealed record Node(double Value)
    {
        public int Feature { get; init; }

        public double Threshold { get; init; }

        public Node? Left { get; init; }

        public Node? Right { get; init; }
    }
}
