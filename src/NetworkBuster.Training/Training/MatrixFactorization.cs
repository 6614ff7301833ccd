using NetworkBuster.Training.Metrics;

namespace NetworkBuster.Training.Training;

/// <summary>The options of <see cref="MatrixFactorization"/>.</summary>
/// <param name="Factors">Latent factors per user and item (0: biases only).</param>
/// <param name="Epochs">Passes of stochastic gradient descent.</param>
/// <param name="LearningRate">The SGD step.</param>
/// <param name="Regularization">L2 penalty on factors.</param>
/// <param name="BiasRegularization">L2 penalty on biases.</param>
/// <param name="Seed">Seeds the initial factors and the visiting order.</param>
public sealed record MatrixFactorizationOptions(int Factors, int Epochs, double LearningRate, double Regularization, double BiasRegularization, int Seed)
{
    /// <summary>The options from effective hyperparameters of the <c>mf</c> trainer.</summary>
    public static MatrixFactorizationOptions From(IReadOnlyDictionary<string, double> p, int seed)
    {
        ArgumentNullException.ThrowIfNull(p);
        return new((int)p["factors"], (int)p["epochs"], p["learningRate"], p["regularization"], p["biasRegularization"], seed);
    }
}

/// <summary>
/// Biased matrix factorization fitted by SGD, as Surprise's SVD: r̂ = μ + b_u + b_i + p_u·q_i, clipped to the rating
/// range seen in training. Unknown users or items contribute no bias and no factors.
/// </summary>
public sealed class MatrixFactorization
{
    private MatrixFactorization(int users, int items, int factors)
    {
        UserBias = new float[users];
        ItemBias = new float[items];
        UserFactors = new float[users * factors];
        ItemFactors = new float[items * factors];
        Factors = factors;
    }

    /// <summary>The global mean μ.</summary>
    public float Mean { get; private set; }

    /// <summary>The smallest rating seen.</summary>
    public float MinRating { get; private set; }

    /// <summary>The largest rating seen.</summary>
    public float MaxRating { get; private set; }

    /// <summary>Factors per user and item.</summary>
    public int Factors { get; }

    /// <summary>b_u by user index.</summary>
    public float[] UserBias { get; }

    /// <summary>b_i by item index.</summary>
    public float[] ItemBias { get; }

    /// <summary>p_u, row-major by user index.</summary>
    public float[] UserFactors { get; }

    /// <summary>q_i, row-major by item index.</summary>
    public float[] ItemFactors { get; }

    /// <summary>Fits the model.</summary>
    /// <param name="ratings">The ratings (indices into users and items).</param>
    /// <param name="users">How many users.</param>
    /// <param name="items">How many items.</param>
    /// <param name="options">The options.</param>
    /// <param name="afterEpoch">Called after each epoch with the model so far (e.g. to score a validation set).</param>
    public static MatrixFactorization Fit(IReadOnlyList<RatingTriple> ratings, int users, int items, MatrixFactorizationOptions options, Action<MatrixFactorization>? afterEpoch = null)
    {
        ArgumentNullException.ThrowIfNull(ratings);
        ArgumentNullException.ThrowIfNull(options);
        var model = new MatrixFactorization(users, items, options.Factors);
        if (ratings.Count == 0)
        {
            return model;
        }

        model.Mean = (float)ratings.Average(r => r.Rating);
        model.MinRating = ratings.Min(r => r.Rating);
        model.MaxRating = ratings.Max(r => r.Rating);
        var random = new Random(options.Seed);
        int k = options.Factors;
        for (int i = 0; i < model.UserFactors.Length; i++)
        {
            model.UserFactors[i] = (float)(Gaussian(random) * 0.1);
        }

        for (int i = 0; i < model.ItemFactors.Length; i++)
        {
            model.ItemFactors[i] = (float)(Gaussian(random) * 0.1);
        }

        var order = Enumerable.Range(0, ratings.Count).ToArray();
        float lr = (float)options.LearningRate, reg = (float)options.Regularization, regBias = (float)options.BiasRegularization;
        for (int epoch = 0; epoch < options.Epochs; epoch++)
        {
            random.Shuffle(order);
            foreach (int index in order)
            {
                var (u, i, r) = ratings[index];
                var p = model.UserFactors.AsSpan(u * k, k);
                var q = model.ItemFactors.AsSpan(i * k, k);
                float error = r - (model.Mean + model.UserBias[u] + model.ItemBias[i] + Dot(p, q));
                model.UserBias[u] += lr * (error - (regBias * model.UserBias[u]));
                model.ItemBias[i] += lr * (error - (regBias * model.ItemBias[i]));
                for (int f = 0; f < k; f++)
                {
                    float pf = p[f];
                    p[f] += lr * ((error * q[f]) - (reg * pf));
                    q[f] += lr * ((error * pf) - (reg * q[f]));
                }
            }

            afterEpoch?.Invoke(model);
        }

        return model;
    }

    /// <summary>The predicted rating (users or items outside the model, index −1, add nothing).</summary>
    public float Predict(int user, int item)
    {
        float score = Mean + (user >= 0 ? UserBias[user] : 0) + (item >= 0 ? ItemBias[item] : 0);
        if (user >= 0 && item >= 0)
        {
            score += Dot(UserFactors.AsSpan(user * Factors, Factors), ItemFactors.AsSpan(item * Factors, Factors));
        }

        return Math.Clamp(score, MinRating, MaxRating);
    }

    /// <summary>A dot product.</summary>
    public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b) => System.Numerics.Tensors.TensorPrimitives.Dot(a, b);

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
