using NetworkBuster.Training.Contracts;

namespace NetworkBuster.Training.Datasets;

/// <summary>
/// Writes shaped rows to the train, validation and test outputs. A random or files split is decided row by row as
/// rows arrive, so each row goes straight to its output (staging blobs being uploaded while the CSV is still read).
/// A time split needs the newest rows, which a stream only reveals at its end: its rows are collected in one local
/// typed file (plus an 8-byte order key and a split mark per row) and split once every row is known.
/// </summary>
internal sealed class ShapedRowStore : IShapedRowSink, IDisposable
{
    private const sbyte Unassigned = -1;
    private static readonly string[] Splits = [SplitName.Train, SplitName.Validation, SplitName.Test];
    private readonly SplitSpec _split;
    private readonly int _numberCount;
    private readonly int _stringCount;
    private readonly ArrowSplitWriter[] _outputs;
    private readonly Dictionary<string, long> _rows = Splits.ToDictionary(s => s, _ => 0L);
    private readonly FileStream? _file;
    private readonly RowFile.Writer? _deferred;
    private readonly List<double> _keys = [];
    private readonly List<sbyte> _marks = [];
    private long _count;
    private long _unassigned;

    /// <param name="folder">A local working folder (for a time split's collected rows, and each split's local row copy).</param>
    /// <param name="schema">The rows' layout.</param>
    /// <param name="split">How unassigned rows are split (k-fold already mapped to all-train).</param>
    /// <param name="outputs">The train, validation and test uploads, in that order (owned by the caller), written as Arrow files.</param>
    /// <param name="trainSampleRows">The most train rows kept in <see cref="TrainSample"/> (for the profile).</param>
    public ShapedRowStore(string folder, SnapshotSchema schema, SplitSpec split, IReadOnlyList<Stream> outputs, int trainSampleRows)
    {
        TrainSample = new RowReservoir(trainSampleRows, split.Seed);
        Schema = schema;
        _split = split.Kind == SplitSpec.Files ? split with { Test = 0 } : split;
        _numberCount = 1 + schema.NumberColumns.Count;
        _stringCount = schema.StringColumns.Count;
        _outputs = [.. outputs.Select((o, i) => new ArrowSplitWriter(o, SnapshotStore.LocalPath(folder, Splits[i]), schema))];
        if (split.Kind == SplitSpec.Time)
        {
            _file = new FileStream(Path.Combine(folder, "all.rows"), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 16);
            _deferred = new RowFile.Writer(_file, _numberCount, _stringCount);
        }
    }

    /// <summary>A split every following row goes to (the test file of a files split), or null.</summary>
    public string? ForcedSplit { get; set; }

    public long Count => _count;

    public SnapshotSchema Schema { get; }

    /// <summary>A seeded uniform sample of the train rows, taken as they are written.</summary>
    public RowReservoir TrainSample { get; }

    /// <summary>Rows whose label is positive (non-zero), per split, after <see cref="Finish"/>; for class checks.</summary>
    public Dictionary<string, long> Positives { get; } = Splits.ToDictionary(s => s, _ => 0L);

    public void Emit(ReadOnlySpan<float> numbers, string[] strings, double orderKey, string? split = null)
    {
        _count++;
        sbyte mark = (ForcedSplit ?? split) is { } s ? (sbyte)Array.IndexOf(Splits, s) : Unassigned;
        if (_deferred is not null)
        {
            _deferred.Write(numbers, strings);
            _keys.Add(orderKey);
            _marks.Add(mark);
            return;
        }

        int target = mark != Unassigned ? mark : Array.IndexOf(Splits, SplitAssigner.Assign(_split, _unassigned++));
        Write(target, numbers, strings);
    }

    /// <summary>Writes a time split's collected rows to the outputs (other splits are written already) and finishes their files.</summary>
    /// <returns>Rows per split, each split's Arrow file SHA-256, and for a time split the first order key of validation and of test.</returns>
    public (Dictionary<string, long> Rows, Dictionary<string, string> Sha256, double? ValidationFrom, double? TestFrom) Finish()
    {
        double? validationFrom = null, testFrom = null;
        if (_deferred is not null)
        {
            _deferred.Dispose();
            (validationFrom, testFrom) = TimeCuts();
            _file!.Position = 0;
            using var reader = new RowFile.Reader(_file, _numberCount, _stringCount);
            var numbers = new float[_numberCount];
            var strings = new string[_stringCount];
            for (int i = 0; reader.Read(numbers, strings); i++)
            {
                int target = _marks[i] != Unassigned ? _marks[i] : _keys[i] >= testFrom ? 2 : _keys[i] >= validationFrom ? 1 : 0;
                Write(target, numbers, strings);
            }
        }

        var sha256 = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < _outputs.Length; i++)
        {
            sha256[Splits[i]] = _outputs[i].Finish().Sha256;
        }

        return (_rows, sha256, validationFrom, testFrom);
    }

    // The outputs are finished by Finish only: after a failure what they hold is discarded, and a flush into an
    // upload that already failed would hide the failure being reported.
    public void Dispose()
    {
        foreach (var output in _outputs)
        {
            output.Dispose();
        }

        _deferred?.Dispose();
        _file?.Dispose();
    }

    private void Write(int target, ReadOnlySpan<float> numbers, string[] strings)
    {
        _outputs[target].Write(numbers, strings);
        if (target == 0)
        {
            TrainSample.Add(numbers, strings);
        }

        _rows[Splits[target]]++;
        Positives[Splits[target]] += numbers[0] != 0 ? 1 : 0;
    }

    // The newest share of rows is test and the share before it validation; rows sharing a cut key go to the later
    // split, so every test row is at least as new as every validation row, and every validation row as every train row.
    private (double? ValidationFrom, double? TestFrom) TimeCuts()
    {
        var keys = _keys.Where((_, i) => _marks[i] == Unassigned).Order().ToArray();
        if (keys.Length == 0)
        {
            return (null, null);
        }

        double At(double share) => keys[Math.Clamp((int)Math.Floor(keys.Length * (1 - share)), 0, keys.Length - 1)];
        double testFrom = _split.Test > 0 ? At(_split.Test) : double.PositiveInfinity;
        double validationFrom = _split.Validation > 0 ? Math.Min(At(_split.Test + _split.Validation), testFrom) : testFrom;
        return (validationFrom, testFrom);
    }
}
