
namespace NetworkBuster.Training.Datasets;

/// <summary>
/// Turns the records of a streamed CSV into training rows. The default shaper maps each record to one row
/// (<see cref="TabularShaper"/>); a preset may aggregate (one row per user) or order records (lags from the past)
/// first, keeping only compact per-key state, never the file as text.
/// </summary>
public interface IDatasetShaper
{
    /// <summary>Resolves the row layout from the header and the first records.</summary>
    /// <param name="header">The CSV header as found (trimmed).</param>
    /// <param name="sample">The first records, for type inference.</param>
    /// <returns>The layout every emitted row follows.</returns>
    /// <exception cref="Contracts.TrainingException">With SchemaMismatch when the header is not the expected one.</exception>
    SnapshotSchema Start(IReadOnlyList<string> header, IReadOnlyList<string[]> sample);

    /// <summary>Begins another file with the same layout (the test file of a <c>files</c> split).</summary>
    /// <param name="header">That file's header, which must name the same columns.</param>
    /// <exception cref="Contracts.TrainingException">With SchemaMismatch when it does not.</exception>
    void StartNextFile(IReadOnlyList<string> header);

    /// <summary>Accepts one record, emitting rows now or keeping state for <see cref="Complete"/>.</summary>
    /// <param name="fields">The record's fields.</param>
    /// <param name="sink">Where rows go.</param>
    /// <returns>Null when the record is good, else what was expected and found.</returns>
    string? Accept(string[] fields, IShapedRowSink sink);

    /// <summary>Emits the rows kept back until the end of the current file.</summary>
    /// <param name="sink">Where rows go.</param>
    void Complete(IShapedRowSink sink);

    /// <summary>Facts worth recording with the version (cutoffs, horizons), as short strings.</summary>
    IReadOnlyDictionary<string, string> Notes { get; }
}

/// <summary>Receives shaped rows.</summary>
public interface IShapedRowSink
{
    /// <summary>Adds one row.</summary>
    /// <param name="numbers">The label, then the numeric features, in schema order.</param>
    /// <param name="strings">The string features, in schema order.</param>
    /// <param name="orderKey">The row's time (Unix seconds) for time splits; any increasing value otherwise.</param>
    /// <param name="split">A split the shaper decided itself (e.g. each user's latest interactions held out), or null.</param>
    void Emit(ReadOnlySpan<float> numbers, string[] strings, double orderKey, string? split = null);
}

/// <summary>A shaper that also reads records as spans, so typed fields never become strings.</summary>
internal interface ISpanDatasetShaper
{
    /// <summary>Accepts the current record of the CSV, as <see cref="IDatasetShaper.Accept"/> does.</summary>
    /// <param name="fields">The record's fields, valid during the call.</param>
    /// <param name="sink">Where rows go.</param>
    /// <returns>Null when the record is good, else what was expected and found.</returns>
    string? Accept(CsvFields fields, IShapedRowSink sink);
}
