using Microsoft.ML;

namespace NetworkBuster.Training.Training;

/// <summary>Creates ML.NET contexts that can load every model this build saves, and saves and loads those models.</summary>
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

    /// <summary>Saves a model as <c>model.zip</c>: ML.NET's own entries plus the state its custom mappings keep outside them (an extra-trees forest).</summary>
    /// <param name="ml">The context.</param>
    /// <param name="model">The fitted model.</param>
    /// <param name="input">The schema it takes.</param>
    /// <param name="zip">A seekable stream; left at position 0.</param>
    public static void Save(MLContext ml, ITransformer model, DataViewSchema input, Stream zip)
    {
        ArgumentNullException.ThrowIfNull(ml);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(zip);
        ml.Model.Save(model, input, zip);
        ExtraTreesModel.AppendForest(zip, model);
        zip.Position = 0;
    }

    /// <summary>Loads a model saved by <see cref="Save"/>.</summary>
    /// <param name="ml">The context (prepared here).</param>
    /// <param name="zip">A seekable stream of the zip.</param>
    /// <param name="input">The schema the model takes.</param>
    public static ITransformer Load(MLContext ml, Stream zip, out DataViewSchema input)
    {
        ArgumentNullException.ThrowIfNull(zip);
        Prepare(ml);
        using var forest = ExtraTreesModel.BeginLoad(zip);
        return ml.Model.Load(zip, out input);
    }
}
