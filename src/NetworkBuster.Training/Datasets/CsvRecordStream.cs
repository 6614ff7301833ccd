using System.Text;
using NetworkBuster.Training.Contracts;
using Sylvan.Data.Csv;

namespace NetworkBuster.Training.Datasets;

/// <summary>A CSV read record by record with Sylvan (quoted fields, CRLF or LF), its header trimmed.</summary>
internal sealed class CsvRecordStream : IAsyncDisposable
{
    private readonly StreamReader _text;
    private readonly CsvDataReader _reader;
    private readonly string _blob;
    private readonly long _maxRecordBytes;

    private CsvRecordStream(StreamReader text, CsvDataReader reader, IReadOnlyList<string> header, string blob, long maxRecordBytes)
    {
        _text = text;
        _reader = reader;
        Header = header;
        _blob = blob;
        _maxRecordBytes = maxRecordBytes;
    }

    public IReadOnlyList<string> Header { get; }

    /// <summary>The 1-based line of the record last read (the header is line 1).</summary>
    public int Line => _reader.RowNumber + 1;

    /// <summary>Opens the CSV and reads its header; a record may be up to <paramref name="maxRecordBytes"/> long (the buffer grows to fit).</summary>
    /// <exception cref="TrainingException">With SchemaMismatch when the file is empty, BadRows when the header is longer than the limit.</exception>
    public static async Task<CsvRecordStream> OpenAsync(Stream content, string blob, IReadOnlyList<string>? expectedHeader, long maxRecordBytes, CancellationToken cancellationToken)
    {
        var text = new StreamReader(content, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16, leaveOpen: true);
        var options = new CsvDataReaderOptions
        {
            HasHeaders = true,
            BufferSize = (int)Math.Clamp(maxRecordBytes, 1, 1 << 16),
            MaxBufferSize = (int)Math.Clamp(maxRecordBytes, 1, Array.MaxLength / 2),
        };
        try
        {
            var reader = await CsvDataReader.CreateAsync(text, options, cancellationToken);
            var header = Enumerable.Range(0, reader.FieldCount).Select(i => reader.GetName(i).Trim()).ToList();
            return new CsvRecordStream(text, reader, header, blob, maxRecordBytes);
        }
        catch (CsvRecordTooLargeException ex)
        {
            text.Dispose();
            throw TooLarge(blob, 1, maxRecordBytes, ex);
        }
        catch (CsvMissingHeadersException ex)
        {
            text.Dispose();
            throw new TrainingException(ErrorCode.SchemaMismatch, $"Expected a CSV with a header{(expectedHeader is { } h ? " " + string.Join(",", h) : "")}, but '{blob}' is empty.", ex);
        }
    }

    /// <summary>Reads the next record's fields, or null at the end.</summary>
    public async Task<string[]?> ReadAsync(CancellationToken cancellationToken)
    {
        if (!await MoveNextAsync(cancellationToken))
        {
            return null;
        }

        return Fields.ToStrings();
    }

    /// <summary>Moves to the next record, whose fields <see cref="Fields"/> then reads as spans; false at the end.</summary>
    public async ValueTask<bool> MoveNextAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _reader.ReadAsync(cancellationToken);
        }
        catch (CsvRecordTooLargeException ex)
        {
            throw TooLarge(_blob, Line, _maxRecordBytes, ex);
        }
    }

    /// <summary>The current record's fields, valid until the next move.</summary>
    public CsvFields Fields => new(_reader);

    private static TrainingException TooLarge(string blob, int line, long limit, Exception inner) => new(
        ErrorCode.BadRows,
        $"Expected each CSV record of '{blob}' to be at most {limit:N0} characters (Training:Ingest:MaxRecordBytes), but the record at line {line} is longer (or a quote is never closed).",
        inner);

    public async ValueTask DisposeAsync()
    {
        await _reader.DisposeAsync();
        _text.Dispose();
    }
}

/// <summary>The fields of the current record of a Sylvan reader, as spans into its buffer.</summary>
/// <param name="reader">The reader, positioned on a record.</param>
internal readonly struct CsvFields(CsvDataReader reader) : IFieldSource
{
    /// <inheritdoc />
    public int Count => reader.RowFieldCount;

    /// <inheritdoc />
    public ReadOnlySpan<char> this[int ordinal] => reader.GetFieldSpan(ordinal);

    /// <summary>The fields as strings (for shapers that keep them).</summary>
    public string[] ToStrings()
    {
        var fields = new string[reader.RowFieldCount];
        for (int i = 0; i < fields.Length; i++)
        {
            fields[i] = reader.GetString(i);
        }

        return fields;
    }
}
