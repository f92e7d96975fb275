using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Unicode;

namespace Trading.Timescale.Ingest.Internal;

/// <summary>
/// Reads RFC 4180 CSV records straight from UTF-8 bytes: comma-separated, fields optionally in double quotes
/// (<c>""</c> inside quotes is one quote, quoted fields may span lines), CRLF, LF or CR line ends. Fields are spans over
/// one pooled buffer, valid until the next read; nothing is allocated per field. A record may not exceed
/// <see cref="TradingCsv.MaxRecordBytes"/>, so an unclosed quote cannot buffer the whole input. A byte order mark and
/// blank lines are skipped.
/// </summary>
internal sealed class Utf8CsvReader : IDisposable
{
    private static readonly SearchValues<byte> Delimiters = SearchValues.Create(",\r\n\""u8);

    private readonly Stream _stream;
    private readonly int _maxRecordBytes;
    private byte[] _buffer;
    private int _start;
    private int _end;
    private bool _eof;
    private bool _started;
    private long _nextLine = 1;
    private long _bufferOffset;
    private long _records;
    private FieldSpan[] _fields = new FieldSpan[16];

    public Utf8CsvReader(Stream stream, int maxRecordBytes = TradingCsv.MaxRecordBytes)
    {
        _stream = stream;
        _maxRecordBytes = maxRecordBytes;
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Min(64 * 1024, maxRecordBytes + 1));
    }

    /// <summary>Fields of the last record read.</summary>
    public int FieldCount { get; private set; }

    /// <summary>The line the last record read starts on (from 1).</summary>
    public long RecordLine { get; private set; }

    /// <summary>The byte offset in the input where the last record read starts.</summary>
    public long RecordOffset { get; private set; }

    /// <summary>The bytes of the last record read (before quotes were removed).</summary>
    public ReadOnlySpan<byte> Record => _buffer.AsSpan(_recordStart, _recordLength);

    private int _recordStart;
    private int _recordLength;

    /// <summary>The field's bytes, without quotes.</summary>
    public ReadOnlySpan<byte> Field(int index) => _buffer.AsSpan(_fields[index].Start, _fields[index].Length);

    /// <summary>Whether the field was quoted (a quoted empty field is the empty string, an unquoted one NULL).</summary>
    public bool IsQuoted(int index) => _fields[index].Quoted;

    /// <summary>Reads the next non-blank record; <see langword="false"/> at the end of the input.</summary>
    /// <exception cref="FormatException">A quote is misplaced or not closed, or the record is too long; the message names the row and line.</exception>
    public async ValueTask<bool> ReadAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (!_started)
            {
                await FillAsync(cancellationToken).ConfigureAwait(false);
                _started = true;
                if (_end - _start >= 3 && _buffer.AsSpan(_start, 3).SequenceEqual("\uFEFF"u8))
                {
                    _start += 3;
                }
            }

            if (_start == _end && _eof)
            {
                return false;
            }

            var status = TryParse(_buffer.AsSpan(_start, _end - _start), _eof, out var consumed, out var lines);
            if (status == ParseStatus.NeedMore)
            {
                if (_end - _start >= _maxRecordBytes)
                {
                    throw new FormatException(string.Create(CultureInfo.InvariantCulture,
                        $"{Where(_nextLine)}: the record is longer than {_maxRecordBytes:N0} bytes, the most a record may hold; a quoted field may not be closed (look for an unbalanced \" from line {_nextLine:N0} on)"));
                }

                await FillAsync(cancellationToken).ConfigureAwait(false);
                continue;
            }

            RecordLine = _nextLine;
            RecordOffset = _bufferOffset + _start;
            _nextLine += lines;
            _recordStart = _start;
            _recordLength = consumed;
            _start += consumed;
            if (FieldCount == 1 && _fields[0].Length == 0 && !_fields[0].Quoted)
            {
                continue;
            }

            Unescape();
            _records++;
            return true;
        }
    }

    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = [];
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>"line L" for the header, "row N (line L)" for a data record.</summary>
    private string Where(long line) => _records == 0
        ? string.Create(CultureInfo.InvariantCulture, $"line {line:N0}")
        : string.Create(CultureInfo.InvariantCulture, $"row {_records:N0} (line {line:N0})");

    /// <summary>Moves the unread bytes to the front (growing the buffer up to the record limit) and reads more.</summary>
    private async ValueTask FillAsync(CancellationToken cancellationToken)
    {
        if (_eof)
        {
            return;
        }

        var pending = _end - _start;
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, pending);
            _bufferOffset += _start;
            _start = 0;
            _end = pending;
        }

        if (_end == _buffer.Length)
        {
            var larger = ArrayPool<byte>.Shared.Rent(Math.Min(_buffer.Length * 2, _maxRecordBytes + 1));
            Buffer.BlockCopy(_buffer, 0, larger, 0, _end);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = larger;
        }

        var read = await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
        if (read == 0)
        {
            _eof = true;
        }

        _end += read;
    }

    private ParseStatus TryParse(ReadOnlySpan<byte> data, bool final, out int consumed, out long lines)
    {
        consumed = 0;
        lines = 0;
        var count = 0;
        var position = 0;
        while (true)
        {
            if (count == _fields.Length)
            {
                Array.Resize(ref _fields, count * 2);
            }

            if (position < data.Length && data[position] == (byte)'"')
            {
                var start = position + 1;
                var escaped = false;
                var scan = start;
                int close;
                while (true)
                {
                    var quote = data[scan..].IndexOf((byte)'"');
                    if (quote < 0)
                    {
                        if (final)
                        {
                            throw new FormatException($"{Where(_nextLine)}: a quoted field is not closed before the end of the input");
                        }

                        return ParseStatus.NeedMore;
                    }

                    var at = scan + quote;
                    if (at + 1 == data.Length && !final)
                    {
                        return ParseStatus.NeedMore;
                    }

                    if (at + 1 < data.Length && data[at + 1] == (byte)'"')
                    {
                        escaped = true;
                        scan = at + 2;
                        continue;
                    }

                    close = at;
                    break;
                }

                _fields[count++] = new FieldSpan(_start + start, close - start, Quoted: true, escaped);
                lines += data[start..close].Count((byte)'\n');
                position = close + 1;
                if (position < data.Length && data[position] is not ((byte)',' or (byte)'\r' or (byte)'\n'))
                {
                    throw new FormatException($"{Where(_nextLine + lines)}: text after the closing quote of a field");
                }
            }
            else
            {
                var end = data[position..].IndexOfAny(Delimiters);
                if (end < 0)
                {
                    if (!final)
                    {
                        return ParseStatus.NeedMore;
                    }

                    end = data.Length - position;
                }
                else if (data[position + end] == (byte)'"')
                {
                    throw new FormatException($"{Where(_nextLine + lines)}: a double quote inside an unquoted field; quote the whole field and double the quote");
                }

                _fields[count++] = new FieldSpan(_start + position, end, Quoted: false, Escaped: false);
                position += end;
            }

            if (position == data.Length)
            {
                // The end of the input ends the last record.
                FieldCount = count;
                consumed = position;
                lines++;
                return ParseStatus.Complete;
            }

            var delimiter = data[position];
            if (delimiter == (byte)',')
            {
                position++;
                continue;
            }

            if (delimiter == (byte)'\r')
            {
                if (position + 1 == data.Length && !final)
                {
                    return ParseStatus.NeedMore;
                }

                position += position + 1 < data.Length && data[position + 1] == (byte)'\n' ? 2 : 1;
            }
            else
            {
                position++;
            }

            FieldCount = count;
            consumed = position;
            lines++;
            return ParseStatus.Complete;
        }
    }

    /// <summary>Turns <c>""</c> into <c>"</c> inside the quoted fields of the record just read, in place.</summary>
    private void Unescape()
    {
        for (var i = 0; i < FieldCount; i++)
        {
            ref var field = ref _fields[i];
            if (!field.Escaped)
            {
                continue;
            }

            var span = _buffer.AsSpan(field.Start, field.Length);
            var write = 0;
            for (var read = 0; read < span.Length; read++)
            {
                span[write++] = span[read];
                if (span[read] == (byte)'"')
                {
                    read++;
                }
            }

            field = field with { Length = write, Escaped = false };
        }
    }

    /// <summary>Where the record breaks UTF-8: the byte offset in the input and the byte, or <see langword="null"/> when it is valid.</summary>
    public (long Offset, byte Value)? FindInvalidUtf8()
    {
        var record = Record;
        if (Utf8.IsValid(record))
        {
            return null;
        }

        var index = 0;
        while (index < record.Length)
        {
            var status = Rune.DecodeFromUtf8(record[index..], out _, out var used);
            if (status != OperationStatus.Done)
            {
                return (RecordOffset + index, record[index]);
            }

            index += used;
        }

        return (RecordOffset, record[0]);
    }

    private enum ParseStatus
    {
        Complete,
        NeedMore,
    }

    private record struct FieldSpan(int Start, int Length, bool Quoted, bool Escaped);
}
