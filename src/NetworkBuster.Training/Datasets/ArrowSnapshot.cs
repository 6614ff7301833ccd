using Apache.Arrow;
using Apache.Arrow.Compression;
using Apache.Arrow.Ipc;
using Apache.Arrow.Types;

namespace NetworkBuster.Training.Datasets;

/// <summary>
/// The staging snapshot format: an Apache Arrow IPC file (readable by pyarrow and every Arrow reader with its
/// compression codecs), Zstandard-compressed buffers, one column per snapshot slot in storage order: the label
/// (<see cref="SnapshotSchema.LabelColumn"/>) and the number features as float32 (NaN is a missing value, never a
/// null), then the string features as Utf8. Locally, jobs keep reading the compact <see cref="RowFile"/>: a split is
/// converted once when it is downloaded (see <see cref="SnapshotCache"/>), which is cheaper than a columnar data view
/// under every cursor the trainers open.
/// </summary>
internal static class ArrowSnapshot
{
    /// <summary>The file extension of a staged split.</summary>
    public const string Extension = ".arrow";

    /// <summary>The most values (rows × columns) a record batch holds: 65,536 rows of up to 32 columns, fewer rows when wider.</summary>
    public const int BatchCells = 1 << 21;

    /// <summary>The most rows of a record batch.</summary>
    public const int MaxBatchRows = 1 << 16;

    /// <summary>Rows per record batch for a layout of <paramref name="columns"/> columns.</summary>
    public static int BatchRows(int columns) => Math.Clamp(BatchCells / Math.Max(1, columns), 1, MaxBatchRows);

    /// <summary>The IPC options of written snapshots: Zstandard at its fastest level, which already beats the row format.</summary>
    public static IpcOptions WriteOptions { get; } = new()
    {
        CompressionCodec = CompressionCodecType.Zstd,
        CompressionCodecFactory = new CompressionCodecFactory(),
        CompressionLevel = 1,
    };

    /// <summary>The Arrow schema of a snapshot layout.</summary>
    public static Schema ToArrow(SnapshotSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        var builder = new Schema.Builder().Field(new Field(SnapshotSchema.LabelColumn, FloatType.Default, nullable: false));
        foreach (var column in schema.NumberColumns)
        {
            builder.Field(new Field(column.Name, FloatType.Default, nullable: false));
        }

        foreach (var column in schema.StringColumns)
        {
            builder.Field(new Field(column.Name, StringType.Default, nullable: false));
        }

        return builder.Build();
    }

    /// <summary>Converts a staged Arrow split to the local row format; returns the rows written.</summary>
    /// <exception cref="InvalidDataException">When the file's columns are not the layout's.</exception>
    public static long ConvertToRows(string arrowPath, SnapshotSchema schema, string rowsPath)
    {
        ArgumentNullException.ThrowIfNull(schema);
        int numberCount = 1 + schema.NumberColumns.Count;
        int stringCount = schema.StringColumns.Count;
        using var input = new FileStream(arrowPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        using var reader = new ArrowFileReader(input, allocator: null, compressionCodecFactory: new CompressionCodecFactory(), leaveOpen: false);
        CheckLayout(reader.Schema, ToArrow(schema), arrowPath);
        using var output = new FileStream(rowsPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
        using var writer = new RowFile.Writer(output, numberCount, stringCount);
        var numbers = new float[numberCount];
        var strings = new string[stringCount];
        while (reader.ReadNextRecordBatch() is { } batch)
        {
            using (batch)
            {
                var floats = new float[numberCount][];
                for (int c = 0; c < numberCount; c++)
                {
                    floats[c] = ((FloatArray)batch.Column(c)).Values.ToArray();
                }

                var texts = new StringArray[stringCount];
                for (int c = 0; c < stringCount; c++)
                {
                    texts[c] = (StringArray)batch.Column(numberCount + c);
                }

                for (int row = 0; row < batch.Length; row++)
                {
                    for (int c = 0; c < numberCount; c++)
                    {
                        numbers[c] = floats[c][row];
                    }

                    for (int c = 0; c < stringCount; c++)
                    {
                        strings[c] = texts[c].GetString(row) ?? "";
                    }

                    writer.Write(numbers, strings);
                }
            }
        }

        return writer.Rows;
    }

    private static void CheckLayout(Schema found, Schema expected, string path)
    {
        string Describe(Schema s) => string.Join(", ", s.FieldsList.Select(f => $"{f.Name}:{f.DataType.Name}"));
        bool same = found.FieldsList.Count == expected.FieldsList.Count
            && found.FieldsList.Zip(expected.FieldsList).All(p => p.First.Name == p.Second.Name && p.First.DataType.TypeId == p.Second.DataType.TypeId);
        if (!same)
        {
            throw new InvalidDataException($"Expected the snapshot '{Path.GetFileName(path)}' to hold the columns ({Describe(expected)}), but found ({Describe(found)}).");
        }
    }
}
