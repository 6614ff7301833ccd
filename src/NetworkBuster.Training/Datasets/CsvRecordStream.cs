using System.Text;
using NetworkBuster.Training.Contracts;
using Sylvan.Data.Csv;

namespace NetworkBuster.Training.Datasets;

/// <summary>A CSV read record by record with Sylvan (quoted fields, CRLF or LF), its header trimmed.</summary>
internal sealed class CsvRecordStream : IAsyncDisposable
{
    private readonly StreamReader _text;
    private readonly CsvDataReader _reader;

    private CsvRecordStream(StreamReader text, CsvDataReader reader, IReadOnlyList<string> header)
    {
        _text = text;
        _reader = reader;
        Header = header;
    }

    public IReadOnlyList<string> Header { get; }

    /// <summary>The 1-based line of the record last read (the header is line 1).</summary>
    public int Line => _reader.RowNumber + 1;

    /// <exception cref="TrainingException">With SchemaMismatch when the file is empty.</exception>
    public static async Task<CsvRecordStream> OpenAsync(Stream content, string blob, IReadOnlyList<string>? expectedHeader, CancellationToken cancellationToken)
    {
        var text = new StreamReader(content, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16, leaveOpen: true);
        try
        {
            var reader = await CsvDataReader.CreateAsync(text, new CsvDataReaderOptions { HasHeaders = true, BufferSize = 1 << 16 }, cancellationToken);
            var header = Enumerable.Range(0, reader.FieldCount).Select(i => reader.GetName(i).Trim()).ToList();
            return new CsvRecordStream(text, reader, header);
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
        if (!await _reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var fields = new string[_reader.RowFieldCount];
        for (int i = 0; i < fields.Length; i++)
        {
            fields[i] = _reader.GetString(i);
        }

        return fields;
    }

    public async ValueTask DisposeAsync()
    {
        await _reader.DisposeAsync();
        _text.Dispose();
    }
}
