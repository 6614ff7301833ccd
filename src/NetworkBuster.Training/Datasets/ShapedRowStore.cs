using NetworkBuster.Training.Contracts;

namespace NetworkBuster.Training.Datasets;

/// <summary>
/// Collects shaped rows in one local typed file (plus an 8-byte order key and a split mark per row), then writes the
/// train, validation and test files once every row is known: a time split needs the newest rows, which a stream
/// only reveals at its end.
/// </summary>
internal sealed class ShapedRowStore : IShapedRowSink, IDisposable
{
    private const sbyte Unassigned = -1;
    private static readonly string[] Splits = [SplitName.Train, SplitName.Validation, SplitName.Test];
    private readonly string _folder;
    private readonly int _numberCount;
    private readonly int _stringCount;
    private readonly FileStream _file;
    private readonly RowFile.Writer _writer;
    private readonly List<double> _keys = [];
    private readonly List<sbyte> _marks = [];

    public ShapedRowStore(string folder, SnapshotSchema schema)
    {
        Schema = schema;
        _folder = folder;
        _numberCount = 1 + schema.NumberColumns.Count;
        _stringCount = schema.StringColumns.Count;
        _file = new FileStream(Path.Combine(folder, "all.rows"), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 16);
        _writer = new RowFile.Writer(_file, _numberCount, _stringCount);
    }

    /// <summary>A split every following row goes to (the test file of a files split), or null.</summary>
    public string? ForcedSplit { get; set; }

    public long Count => _keys.Count;

    public SnapshotSchema Schema { get; }

    /// <summary>Rows whose label is positive (non-zero), per split, after <see cref="Finish"/>; for class checks.</summary>
    public Dictionary<string, long> Positives { get; } = Splits.ToDictionary(s => s, _ => 0L);

    public void Emit(ReadOnlySpan<float> numbers, string[] strings, double orderKey, string? split = null)
    {
        _writer.Write(numbers, strings);
        _keys.Add(orderKey);
        _marks.Add((ForcedSplit ?? split) is { } s ? (sbyte)Array.IndexOf(Splits, s) : Unassigned);
    }

    /// <summary>Assigns unassigned rows by the job's split and writes the three split files.</summary>
    /// <returns>Rows per split, and for a time split the first order key of validation and of test.</returns>
    public (Dictionary<string, long> Rows, double? ValidationFrom, double? TestFrom) Finish(SplitSpec split)
    {
        ArgumentNullException.ThrowIfNull(split);
        _writer.Dispose();
        var (validationFrom, testFrom) = split.Kind == SplitSpec.Time ? TimeCuts(split) : (null, null);
        var rows = Splits.ToDictionary(s => s, _ => 0L);
        var outputs = Splits.Select(s => new FileStream(Path.Combine(_folder, s + ".rows"), FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16)).ToArray();
        var writers = outputs.Select(o => new RowFile.Writer(o, _numberCount, _stringCount)).ToArray();
        try
        {
            _file.Position = 0;
            using var reader = new RowFile.Reader(_file, _numberCount, _stringCount);
            var numbers = new float[_numberCount];
            var strings = new string[_stringCount];
            long unassigned = 0;
            for (int i = 0; reader.Read(numbers, strings); i++)
            {
                int target = _marks[i] != Unassigned ? _marks[i]
                    : split.Kind == SplitSpec.Time ? (_keys[i] >= testFrom ? 2 : _keys[i] >= validationFrom ? 1 : 0)
                    : Array.IndexOf(Splits, SplitAssigner.Assign(split.Kind == SplitSpec.Files ? split with { Test = 0 } : split, unassigned));
                unassigned += _marks[i] == Unassigned ? 1 : 0;
                writers[target].Write(numbers, strings);
                rows[Splits[target]]++;
                Positives[Splits[target]] += numbers[0] != 0 ? 1 : 0;
            }
        }
        finally
        {
            foreach (var writer in writers)
            {
                writer.Dispose();
            }

            foreach (var output in outputs)
            {
                output.Dispose();
            }
        }

        return (rows, validationFrom, testFrom);
    }

    public void Dispose()
    {
        _writer.Dispose();
        _file.Dispose();
    }

    // The newest share of rows is test and the share before it validation; rows sharing a cut key go to the later
    // split, so every test row is at least as new as every validation row, and every validation row as every train row.
    private (double? ValidationFrom, double? TestFrom) TimeCuts(SplitSpec split)
    {
        var keys = _keys.Where((_, i) => _marks[i] == Unassigned).Order().ToArray();
        if (keys.Length == 0)
        {
            return (null, null);
        }

        double At(double share) => keys[Math.Clamp((int)Math.Floor(keys.Length * (1 - share)), 0, keys.Length - 1)];
        double testFrom = split.Test > 0 ? At(split.Test) : double.PositiveInfinity;
        double validationFrom = split.Validation > 0 ? Math.Min(At(split.Test + split.Validation), testFrom) : testFrom;
        return (validationFrom, testFrom);
    }
}
