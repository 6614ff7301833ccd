using Microsoft.ML;
using Microsoft.ML.Data;

namespace NetworkBuster.Training.Training;

/// <summary>
/// The default PCA rank: the fewest principal components of the standardized features that explain
/// <see cref="Share"/> of their variance (from the eigenvalues of their covariance, by Jacobi rotations), at most
/// <see cref="AnomalyOptions.DefaultMaxRank"/> and below the feature count. Wider data than
/// <see cref="MaxFeatures"/> takes the cap without measuring.
/// </summary>
internal static class ExplainedVariance
{
    /// <summary>The share of variance the default rank explains.</summary>
    public const double Share = 0.9;

    /// <summary>The widest feature vector measured (a Jacobi sweep costs the cube of it).</summary>
    public const int MaxFeatures = 200;

    /// <summary>Rows read for the covariance.</summary>
    public const int MaxRows = 20_000;

    /// <summary>The rank for standardized features of <paramref name="standardized"/> (column <see cref="TrainerFactory.FeaturesColumn"/>).</summary>
    public static int DefaultRank(IDataView standardized, int features)
    {
        int cap = AnomalyOptions.DefaultRank(features);
        if (features > MaxFeatures)
        {
            return cap;
        }

        var eigenvalues = Eigenvalues(Covariance(standardized, features)).OrderDescending().ToArray();
        double total = eigenvalues.Where(v => v > 0).Sum(), explained = 0;
        for (int k = 0; k < cap; k++)
        {
            explained += Math.Max(0, eigenvalues[k]);
            if (total <= 0 || explained >= Share * total)
            {
                return k + 1;
            }
        }

        return cap;
    }

    private static double[,] Covariance(IDataView data, int d)
    {
        var column = data.Schema[TrainerFactory.FeaturesColumn];
        var sum = new double[d];
        var products = new double[d, d];
        long n = 0;
        using var cursor = data.GetRowCursor([column]);
        var get = cursor.GetGetter<VBuffer<float>>(column);
        var buffer = default(VBuffer<float>);
        var x = new double[d];
        while (n < MaxRows && cursor.MoveNext())
        {
            get(ref buffer);
            int i = 0;
            foreach (float v in buffer.DenseValues())
            {
                x[i++] = float.IsFinite(v) ? v : 0;
            }

            for (int a = 0; a < d; a++)
            {
                sum[a] += x[a];
                for (int b = a; b < d; b++)
                {
                    products[a, b] += x[a] * x[b];
                }
            }

            n++;
        }

        var covariance = new double[d, d];
        for (int a = 0; a < d && n > 0; a++)
        {
            for (int b = a; b < d; b++)
            {
                covariance[a, b] = covariance[b, a] = (products[a, b] / n) - (sum[a] / n * (sum[b] / n));
            }
        }

        return covariance;
    }

    // Cyclic Jacobi: rotate away each off-diagonal entry until they are negligible; the diagonal is then the spectrum.
    private static double[] Eigenvalues(double[,] m)
    {
        int d = m.GetLength(0);
        for (int sweep = 0; sweep < 50; sweep++)
        {
            double off = 0;
            for (int p = 0; p < d; p++)
            {
                for (int q = p + 1; q < d; q++)
                {
                    off += m[p, q] * m[p, q];
                }
            }

            if (off < 1e-18)
            {
                break;
            }

            for (int p = 0; p < d; p++)
            {
                for (int q = p + 1; q < d; q++)
                {
                    if (Math.Abs(m[p, q]) < 1e-15)
                    {
                        continue;
                    }

                    double theta = (m[q, q] - m[p, p]) / (2 * m[p, q]);
                    double t = Math.Sign(theta == 0 ? 1 : theta) / (Math.Abs(theta) + Math.Sqrt((theta * theta) + 1));
                    double c = 1 / Math.Sqrt((t * t) + 1), s = t * c;
                    for (int k = 0; k < d; k++)
                    {
                        double mkp = m[k, p], mkq = m[k, q];
                        m[k, p] = (c * mkp) - (s * mkq);
                        m[k, q] = (s * mkp) + (c * mkq);
                    }

                    for (int k = 0; k < d; k++)
                    {
                        double mpk = m[p, k], mqk = m[q, k];
                        m[p, k] = (c * mpk) - (s * mqk);
                        m[q, k] = (s * mpk) + (c * mqk);
                    }
                }
            }
        }

        return [.. Enumerable.Range(0, d).Select(i => m[i, i])];
    }
}
