namespace NetworkBuster.Training.Training;

/// <summary>
/// Extremely randomized trees (Geurts, Ernst and Wehenkel, <i>Machine Learning</i> 63, 2006), this build's own: every
/// tree sees all rows, and each split draws a few features and one uniform random threshold per feature between the
/// node's minimum and maximum, keeping the draw that reduces the squared error most. Fully grown trees (a leaf of one
/// row by default) averaged over many draws make a smooth, low-variance model that is unlike a boosted ensemble, which
/// is why it is worth comparing. Regression predicts the mean of the leaves;
/// for a 0/1 label the leaf means are probabilities.
/// </summary>
/// <remarks>
/// A missing value (NaN) is ordered below every number: a row with NaN goes left, in fitting and in prediction alike,
/// and a split may part the missing rows from all others (a threshold of −∞). Trees are stored flat in pre-order: a node's left child is the
/// next node, the right child is recorded per node (and implied by the order when written), and a leaf (feature −1) keeps its value in the threshold slot.
/// </remarks>
public sealed class ExtraTrees
{
    private const int FormatVersion = 1;
    private readonly int[][] _feature;
    private readonly float[][] _threshold;
    private readonly int[][] _right;

    private ExtraTrees(int features, int[][] feature, float[][] threshold, int[][] right) =>
        (FeatureCount, _feature, _threshold, _right) = (features, feature, threshold, right);

    /// <summary>The length of the feature vectors it takes.</summary>
    public int FeatureCount { get; }

    /// <summary>The number of trees.</summary>
    public int TreeCount => _feature.Length;

    /// <summary>The nodes of all trees (leaves included): the model's size.</summary>
    public long NodeCount => _feature.Sum(f => (long)f.Length);

    /// <summary>Fits the forest.</summary>
    /// <param name="columns">The features column by column, each as long as <paramref name="labels"/>.</param>
    /// <param name="labels">The labels (0/1 for a probability forest); finite.</param>
    /// <param name="options">Trees, features per split, minimum leaf, seed.</param>
    public static ExtraTrees Fit(float[][] columns, float[] labels, ExtraTreesOptions options)
    {
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(options);
        if (columns.Any(c => c.Length != labels.Length))
        {
            throw new ArgumentException("Every feature column must have one value per label.", nameof(columns));
        }

        int trees = options.Trees;
        var feature = new int[trees][];
        var threshold = new float[trees][];
        var right = new int[trees][];
        Parallel.For(0, trees, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.Threads) }, t =>
        {
            var builder = new TreeBuilder(columns, labels, options, new Random(TreeSeed(options.Seed, t)));
            (feature[t], threshold[t], right[t]) = builder.Build();
        });
        return new ExtraTrees(columns.Length, feature, threshold, right);
    }

    // Each tree's own seed, the same in every process (HashCode.Combine is salted per process, so it would not be).
    private static int TreeSeed(int seed, int tree)
    {
        ulong z = unchecked(((ulong)(uint)seed << 32) + (ulong)tree + 0x9E3779B97F4A7C15UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return (int)((z ^ (z >> 31)) & int.MaxValue);
    }

    /// <summary>The forest's prediction: the mean of the leaves the row reaches.</summary>
    public float Predict(ReadOnlySpan<float> row)
    {
        if (row.Length != FeatureCount)
        {
            throw new ArgumentException($"Expected {FeatureCount} feature values, found {row.Length}.", nameof(row));
        }

        double sum = 0;
        for (int t = 0; t < _feature.Length; t++)
        {
            var feature = _feature[t];
            var threshold = _threshold[t];
            var right = _right[t];
            int node = 0;
            while (feature[node] >= 0)
            {
                node = row[feature[node]] > threshold[node] ? right[node] : node + 1;
            }

            sum += threshold[node];
        }

        return (float)(sum / _feature.Length);
    }

    /// <summary>
    /// Writes the forest (versioned): each tree's nodes in pre-order, a node as its feature + 1 (a 7-bit encoded
    /// integer; 0 for a leaf) and its threshold or leaf value. Right children are implied by the order.
    /// </summary>
    public void Write(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        writer.Write(FormatVersion);
        writer.Write(FeatureCount);
        writer.Write(TreeCount);
        for (int t = 0; t < TreeCount; t++)
        {
            writer.Write(_feature[t].Length);
            for (int i = 0; i < _feature[t].Length; i++)
            {
                writer.Write7BitEncodedInt(_feature[t][i] + 1);
                writer.Write(_threshold[t][i]);
            }
        }
    }

    /// <summary>Reads a forest written by <see cref="Write"/>, checking that every tree is whole and every feature in range.</summary>
    /// <exception cref="InvalidDataException">The bytes are not a forest of this format.</exception>
    public static ExtraTrees Read(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var reader = new BinaryReader(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        try
        {
            int version = reader.ReadInt32();
            if (version != FormatVersion)
            {
                throw new InvalidDataException($"Expected extra-trees format {FormatVersion}, found {version}.");
            }

            int features = reader.ReadInt32();
            int trees = reader.ReadInt32();
            if (features < 1 || trees < 1)
            {
                throw new InvalidDataException($"Expected at least one feature and one tree, found {features} and {trees}.");
            }

            var feature = new int[trees][];
            var threshold = new float[trees][];
            var right = new int[trees][];
            var open = new Stack<int>();
            for (int t = 0; t < trees; t++)
            {
                int count = reader.ReadInt32();
                if (count < 1)
                {
                    throw new InvalidDataException($"Tree {t} has no nodes.");
                }

                (feature[t], threshold[t], right[t]) = (new int[count], new float[count], new int[count]);
                open.Clear();
                for (int i = 0; i < count; i++)
                {
                    int f = reader.Read7BitEncodedInt() - 1;
                    if (f < -1 || f >= features)
                    {
                        throw new InvalidDataException($"Tree {t} node {i} names feature {f}, outside 0–{features - 1}.");
                    }

                    (feature[t][i], threshold[t][i], right[t][i]) = (f, reader.ReadSingle(), -1);
                    if (i > 0 && feature[t][i - 1] < 0)
                    {
                        // After a leaf comes the right child of the deepest split still waiting for one.
                        if (open.Count == 0)
                        {
                            throw new InvalidDataException($"Tree {t} has nodes after its last leaf.");
                        }

                        right[t][open.Pop()] = i;
                    }

                    if (f >= 0)
                    {
                        open.Push(i);
                    }
                }

                if (open.Count > 0 || feature[t][count - 1] >= 0)
                {
                    throw new InvalidDataException($"Tree {t} ends before its last split has two children.");
                }
            }

            return new ExtraTrees(features, feature, threshold, right);
        }
        catch (EndOfStreamException)
        {
            throw new InvalidDataException("The extra-trees forest ends early.");
        }
    }

    // One tree, grown depth-first with an explicit stack over a shared row-index array.
    private sealed class TreeBuilder(float[][] columns, float[] labels, ExtraTreesOptions options, Random random)
    {
        private readonly List<int> _feature = [];
        private readonly List<float> _threshold = [];
        private readonly List<int> _right = [];
        private readonly int[] _rows = [.. Enumerable.Range(0, labels.Length)];
        private readonly int[] _order = [.. Enumerable.Range(0, columns.Length)];

        public (int[] Feature, float[] Threshold, int[] Right) Build()
        {
            // (start, end, parent to patch with this node's index as its right child, or -1)
            var stack = new Stack<(int Start, int End, int Parent)>();
            stack.Push((0, _rows.Length, -1));
            while (stack.Count > 0)
            {
                var (start, end, parent) = stack.Pop();
                int index = _feature.Count;
                if (parent >= 0)
                {
                    _right[parent] = index;
                }

                if (TrySplit(start, end, out int feature, out float threshold, out int middle))
                {
                    Add(feature, threshold);
                    stack.Push((middle, end, index));
                    stack.Push((start, middle, -1));
                }
                else
                {
                    Add(-1, Mean(start, end));
                }
            }

            return ([.. _feature], [.. _threshold], [.. _right]);
        }

        private void Add(int feature, float threshold)
        {
            _feature.Add(feature);
            _threshold.Add(threshold);
            _right.Add(-1);
        }

        private float Mean(int start, int end)
        {
            double sum = 0;
            for (int i = start; i < end; i++)
            {
                sum += labels[_rows[i]];
            }

            return (float)(sum / (end - start));
        }

        private bool TrySplit(int start, int end, out int bestFeature, out float bestThreshold, out int middle)
        {
            (bestFeature, bestThreshold, middle) = (-1, 0, start);
            int n = end - start;
            int minLeaf = options.MinimumLeaf;
            if (n < 2 * minLeaf)
            {
                return false;
            }

            double sum = 0;
            float first = labels[_rows[start]];
            bool pure = true;
            for (int i = start; i < end; i++)
            {
                float y = labels[_rows[i]];
                sum += y;
                pure &= y == first;
            }

            if (pure)
            {
                return false;
            }

            // Draw features in a fresh random order until FeaturesPerSplit non-constant ones have been tried.
            double best = double.NegativeInfinity;
            int tried = 0;
            for (int k = 0; k < _order.Length && tried < options.FeaturesPerSplit; k++)
            {
                int pick = random.Next(k, _order.Length);
                (_order[k], _order[pick]) = (_order[pick], _order[k]);
                var column = columns[_order[k]];
                float min = float.PositiveInfinity, max = float.NegativeInfinity;
                int present = 0;
                for (int i = start; i < end; i++)
                {
                    float v = column[_rows[i]];
                    if (float.IsNaN(v))
                    {
                        continue;
                    }

                    present++;
                    min = Math.Min(min, v);
                    max = Math.Max(max, v);
                }

                // Missing values get a slot below the minimum, as wide as one value's share of the range, so a draw
                // can part them from every number (threshold −∞) as often as it parts two neighbouring values.
                bool missing = present < n;
                double span = present > 0 ? (double)max - min : 0;
                double missingSlot = missing && present > 0 ? (span > 0 ? span / present : 1) : 0;
                if (!(span > 0) && missingSlot == 0)
                {
                    continue;
                }

                tried++;
                double draw = random.NextDouble() * (span + missingSlot);
                float threshold = draw < missingSlot ? float.NegativeInfinity : (float)(min + (draw - missingSlot));
                if (!(threshold < max))
                {
                    threshold = min;
                }

                double leftSum = 0;
                int leftCount = 0;
                for (int i = start; i < end; i++)
                {
                    int row = _rows[i];
                    if (!(column[row] > threshold))
                    {
                        leftSum += labels[row];
                        leftCount++;
                    }
                }

                int rightCount = n - leftCount;
                if (leftCount < minLeaf || rightCount < minLeaf)
                {
                    continue;
                }

                // Maximizing the children's sum²/count is minimizing their squared error.
                double rightSum = sum - leftSum;
                double score = (leftSum * leftSum / leftCount) + (rightSum * rightSum / rightCount);
                if (score > best)
                {
                    (best, bestFeature, bestThreshold) = (score, _order[k], threshold);
                }
            }

            if (bestFeature < 0)
            {
                return false;
            }

            // Partition the rows: left (not above the threshold, NaN included) first.
            var split = columns[bestFeature];
            int a = start, b = end - 1;
            while (a <= b)
            {
                if (!(split[_rows[a]] > bestThreshold))
                {
                    a++;
                }
                else
                {
                    (_rows[a], _rows[b]) = (_rows[b], _rows[a]);
                    b--;
                }
            }

            middle = a;
            return true;
        }
    }
}

/// <summary>How an <see cref="ExtraTrees"/> forest is grown.</summary>
/// <param name="Trees">The number of trees.</param>
/// <param name="FeaturesPerSplit">Non-constant features drawn at each split (at least 1).</param>
/// <param name="MinimumLeaf">The fewest rows a leaf may hold (1: grown until pure or one row).</param>
/// <param name="Seed">The seed; with it the forest is the same whatever the thread count.</param>
/// <param name="Threads">Trees grown at once.</param>
public sealed record ExtraTreesOptions(int Trees, int FeaturesPerSplit, int MinimumLeaf, int Seed, int Threads = 1);
