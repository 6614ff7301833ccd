using Microsoft.ML;

namespace NetworkBuster.Training.Training;

/// <summary>Creates ML.NET contexts that can load every model this build saves.</summary>
public static class ModelContext
{
    /// <summary>A context with this build's custom components registered.</summary>
    public static MLContext Create(int? seed = null) => Prepare(new MLContext(seed));

    /// <summary>Registers this build's custom components (idempotent); returns the context.</summary>
    public static MLContext Prepare(MLContext ml)
    {
        ArgumentNullException.ThrowIfNull(ml);
        ml.ComponentCatalog.RegisterAssembly(typeof(RecommenderScoreMapping).Assembly);
        return ml;
    }
}
