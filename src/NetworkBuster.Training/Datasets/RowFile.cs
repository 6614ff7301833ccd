using System.Buffers.Binary;
using System.Text;

namespace NetworkBuster.Training.Datasets;

/// <summary>
/// The snapshot file format: a compact, typed binary row stream (no text to re-parse). Each row is
/// <c>numberCount</c> little-endian floats followed by <c>stringCount</c> length-prefixed UTF-8 strings.
/// </summary>
internal static class RowFile
{
    /// <summary>Writes rows to a stream.</summary>
    /// <param name="stream">The destination (owned by the caller).</param>
    /// <param name="numberCount">Floats per row.</param>
    /// <param name="stringCount">Strings per row.</param>
    public sealed class Writer(Stream stream, int numberCount, int stringCount) : IDisposable
    {
        private readonly BinaryWriter _writer = new(stream, Encoding.UTF8, leaveOpen: true);

        /// <summary>Rows written so far.</summary>
        public long Rows { get; private set; }

        /// <summary>Appends one row.</summary>
        public void Write(ReadOnlySpan<float> numbers, ReadOnlySpan<string> strings)
        {
            if (numbers.Length != numberCount || strings.Length != stringCount)
            {
                throw new ArgumentException($"A row of this file has {numberCount} numbers and {stringCount} strings, not {numbers.Length} and {strings.Length}.", nameof(numbers));
            }

            Span<byte> buffer = stackalloc byte[4];
            foreach (var number in numbers)
            {
                BinaryPrimitives.WriteSingleLittleEndian(buffer, number);
                _writer.Write(buffer);
            }

            foreach (var text in strings)
            {
                _writer.Write(text);
            }

            Rows++;
        }

        /// <inheritdoc />
        public void Dispose() => _writer.Dispose();
    }

    /// <summary>Reads rows from a stream, reusing the caller's buffers.</summary>
    /// <param name="stream">The source (owned by the caller).</param>
    /// <param name="numberCount">Floats per row.</param>
    /// <param name="stringCount">Strings per row.</param>
    public sealed class Reader(Stream stream, int numberCount, int stringCount) : IDisposable
    {
        private readonly BinaryReader _reader = new(stream, Encoding.UTF8, leaveOpen: true);
        private readonly byte[] _numberBytes = new byte[numberCount * 4];

        /// <summary>Reads the next row into the buffers; false at the end.</summary>
        public bool Read(Span<float> numbers, string[] strings)
        {
            ArgumentNullException.ThrowIfNull(strings);
            int read = _reader.Read(_numberBytes, 0, _numberBytes.Length);
            if (read == 0 && (numberCount > 0 || _reader.BaseStream.Position >= _reader.BaseStream.Length))
            {
                return false;
            }

            while (read < _numberBytes.Length)
            {
                int more = _reader.Read(_numberBytes, read, _numberBytes.Length - read);
                read += more > 0 ? more : throw new EndOfStreamException("The snapshot ends in the middle of a row.");
            }

            for (int i = 0; i < numberCount; i++)
            {
                numbers[i] = BinaryPrimitives.ReadSingleLittleEndian(_numberBytes.AsSpan(i * 4));
            }

            for (int i = 0; i < stringCount; i++)
            {
                strings[i] = _reader.ReadString();
            }

            return true;
        }

        /// <inheritdoc />
        public void Dispose() => _reader.Dispose();
    }
}
