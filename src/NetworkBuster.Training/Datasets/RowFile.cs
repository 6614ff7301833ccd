using System.Buffers.Binary;
using System.Text;

namespace NetworkBuster.Training.Datasets;

/// <summary>
/// The snapshot file format: a compact, typed binary row stream (no text to re-parse). A file starts with a 4-byte
/// mark (read as a float, a NaN no label holds; read as a number tag, an invalid one, so files concatenate: the
/// mark at a row boundary starts a new segment with fresh dictionaries); each row is <c>numberCount</c> numbers, then <c>stringCount</c> strings.
/// A number that is a whole number from 0 to 2²⁴ (hours, days, counts, seconds of the day) is one varint of twice
/// its value; any other number is the varint 1 and its 4 little-endian float bytes. A string is a varint reference
/// to a value seen before in its column (dictionary-encoded: a category costs a byte or two), or 0 and the new
/// value (varint UTF-8 length, bytes), which joins the column's dictionary while that has fewer than
/// <see cref="MaxDictionary"/> values. Files without the mark are the earlier layout (raw floats, length-prefixed
/// strings) and still read.
/// </summary>
internal static class RowFile
{
    /// <summary>The most values a column's dictionary holds (writer and reader stop adding at the same point).</summary>
    public const int MaxDictionary = 4096;
    private const uint Mark = 0xFFC24E03;
    private const float MaxWhole = 1 << 24;

    /// <summary>Writes rows to a stream.</summary>
    /// <param name="stream">The destination (owned by the caller); written through a 64 KB buffer flushed on dispose.</param>
    /// <param name="numberCount">Floats per row.</param>
    /// <param name="stringCount">Strings per row.</param>
    public sealed class Writer(Stream stream, int numberCount, int stringCount) : IDisposable
    {
        private readonly byte[] _buffer = new byte[1 << 16];
        private readonly Dictionary<string, int>[] _dictionaries = [.. Enumerable.Range(0, stringCount).Select(_ => new Dictionary<string, int>(StringComparer.Ordinal))];
        private int _count = Start(stream);
        private bool _disposed;

        /// <summary>Rows written so far.</summary>
        public long Rows { get; private set; }

        /// <summary>Appends one row.</summary>
        public void Write(ReadOnlySpan<float> numbers, ReadOnlySpan<string> strings)
        {
            if (numbers.Length != numberCount || strings.Length != stringCount)
            {
                throw new ArgumentException($"A row of this file has {numberCount} numbers and {stringCount} strings, not {numbers.Length} and {strings.Length}.", nameof(numbers));
            }

            foreach (float number in numbers)
            {
                Reserve(5);
                if (number is >= 0 and < MaxWhole && number == MathF.Floor(number) && BitConverter.SingleToInt32Bits(number) >= 0)
                {
                    Varint((uint)number << 1);
                }
                else
                {
                    _buffer[_count++] = 1;
                    BinaryPrimitives.WriteSingleLittleEndian(_buffer.AsSpan(_count), number);
                    _count += 4;
                }
            }

            for (int i = 0; i < strings.Length; i++)
            {
                var dictionary = _dictionaries[i];
                var text = strings[i];
                Reserve(5);
                if (dictionary.TryGetValue(text, out int index))
                {
                    Varint((uint)index + 1);
                    continue;
                }

                _buffer[_count++] = 0;
                if (dictionary.Count < MaxDictionary)
                {
                    dictionary.Add(text, dictionary.Count);
                }

                int length = Encoding.UTF8.GetByteCount(text);
                Reserve(5 + length);
                Varint((uint)length);
                if (_count + length <= _buffer.Length)
                {
                    _count += Encoding.UTF8.GetBytes(text, _buffer.AsSpan(_count));
                }
                else
                {
                    stream.Write(_buffer, 0, _count);
                    _count = 0;
                    stream.Write(Encoding.UTF8.GetBytes(text));
                }
            }

            Rows++;
        }

        /// <inheritdoc />
        public void Dispose()
        {
            if (!_disposed)
            {
                _disposed = true;
                stream.Write(_buffer, 0, _count);
                _count = 0;
                stream.Flush();
            }
        }

        private static int Start(Stream stream)
        {
            Span<byte> mark = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(mark, Mark);
            stream.Write(mark);
            return 0;
        }

        private void Reserve(int bytes)
        {
            if (_count + bytes > _buffer.Length)
            {
                stream.Write(_buffer, 0, _count);
                _count = 0;
            }
        }

        private void Varint(uint value)
        {
            while (value >= 0x80)
            {
                _buffer[_count++] = (byte)(value | 0x80);
                value >>= 7;
            }

            _buffer[_count++] = (byte)value;
        }
    }

    /// <summary>Reads rows from a stream, reusing the caller's buffers.</summary>
    /// <param name="stream">The source (owned by the caller).</param>
    /// <param name="numberCount">Floats per row.</param>
    /// <param name="stringCount">Strings per row.</param>
    public sealed class Reader(Stream stream, int numberCount, int stringCount) : IDisposable
    {
        private readonly byte[] _buffer = new byte[1 << 16];
        private readonly List<string>[] _dictionaries = [.. Enumerable.Range(0, stringCount).Select(_ => new List<string>())];
        private int _offset;
        private int _count;
        private bool? _compact;

        /// <summary>Reads the next row into the buffers; false at the end.</summary>
        public bool Read(Span<float> numbers, string[] strings)
        {
            ArgumentNullException.ThrowIfNull(strings);
            _compact ??= ReadMark();
            if (!Fill(1))
            {
                return false;
            }

            if (_compact == false)
            {
                ReadLegacy(numbers, strings);
                return true;
            }

            if (_buffer[_offset] == (byte)(Mark & 0xFF) && Fill(4) && BinaryPrimitives.ReadUInt32LittleEndian(_buffer.AsSpan(_offset)) == Mark)
            {
                // The next file of a concatenation: its strings refer to its own dictionaries.
                _offset += 4;
                foreach (var dictionary in _dictionaries)
                {
                    dictionary.Clear();
                }

                if (!Fill(1))
                {
                    return false;
                }
            }

            for (int i = 0; i < numberCount; i++)
            {
                uint tag = ReadVarint();
                numbers[i] = (tag & 1) == 0 ? tag >> 1 : BinaryPrimitives.ReadSingleLittleEndian(Take(4));
            }

            for (int i = 0; i < stringCount; i++)
            {
                uint tag = ReadVarint();
                var dictionary = _dictionaries[i];
                if (tag > 0)
                {
                    strings[i] = tag <= dictionary.Count ? dictionary[(int)tag - 1] : throw new InvalidDataException("The snapshot refers to a string it never defined.");
                    continue;
                }

                var text = ReadUtf8((int)ReadVarint());
                if (dictionary.Count < MaxDictionary)
                {
                    dictionary.Add(text);
                }

                strings[i] = text;
            }

            return true;
        }

        /// <inheritdoc />
        public void Dispose()
        {
        }

        private bool ReadMark()
        {
            if (!Fill(4))
            {
                return true;
            }

            if (BinaryPrimitives.ReadUInt32LittleEndian(_buffer.AsSpan(_offset)) != Mark)
            {
                return false;
            }

            _offset += 4;
            return true;
        }

        // The earlier layout: raw little-endian floats, then BinaryWriter strings (7-bit length, UTF-8).
        private void ReadLegacy(Span<float> numbers, string[] strings)
        {
            for (int i = 0; i < numberCount; i++)
            {
                numbers[i] = BinaryPrimitives.ReadSingleLittleEndian(Take(4));
            }

            for (int i = 0; i < strings.Length; i++)
            {
                strings[i] = ReadUtf8((int)ReadVarint());
            }
        }

        private string ReadUtf8(int length)
        {
            if (length <= _buffer.Length)
            {
                return Encoding.UTF8.GetString(Take(length));
            }

            var bytes = new byte[length];
            int have = _count - _offset;
            _buffer.AsSpan(_offset, have).CopyTo(bytes);
            _offset = _count;
            stream.ReadExactly(bytes.AsSpan(have));
            return Encoding.UTF8.GetString(bytes);
        }

        private uint ReadVarint()
        {
            uint value = 0;
            for (int shift = 0; shift < 35; shift += 7)
            {
                byte b = Take(1)[0];
                value |= (uint)(b & 0x7F) << shift;
                if (b < 0x80)
                {
                    return value;
                }
            }

            throw new InvalidDataException("The snapshot holds a malformed number.");
        }

        private ReadOnlySpan<byte> Take(int bytes)
        {
            if (!Fill(bytes))
            {
                throw new EndOfStreamException("The snapshot ends in the middle of a row.");
            }

            var span = _buffer.AsSpan(_offset, bytes);
            _offset += bytes;
            return span;
        }

        // Makes at least `bytes` bytes available in the buffer; false when the stream ends first.
        private bool Fill(int bytes)
        {
            if (_count - _offset >= bytes)
            {
                return true;
            }

            int have = _count - _offset;
            _buffer.AsSpan(_offset, have).CopyTo(_buffer);
            _offset = 0;
            _count = have;
            while (_count < bytes)
            {
                int read = stream.Read(_buffer, _count, _buffer.Length - _count);
                if (read == 0)
                {
                    return false;
                }

                _count += read;
            }

            return true;
        }
    }
}
