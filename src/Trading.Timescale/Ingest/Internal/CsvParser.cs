using System.Text;

namespace Trading.Timescale.Ingest.Internal;

/// <summary>
/// Reads RFC 4180 CSV records from a <see cref="TextReader"/>: comma-separated, fields optionally in double quotes
/// (<c>""</c> inside quotes is one quote, quoted fields may span lines), CRLF or LF line ends. An unquoted empty
/// field is <see langword="null"/>; a quoted empty field (<c>""</c>) is the empty string.
/// </summary>
internal sealed class CsvParser(TextReader reader)
{
    private readonly char[] _buffer = new char[32 * 1024];
    private readonly StringBuilder _field = new();
    private int _position;
    private int _length;
    private bool _skipLineFeed;
    private bool _started;
    private long _line = 1;

    /// <summary>The line the last record read starts on (from 1).</summary>
    public long RecordLine { get; private set; }

    /// <summary>Reads the next record into <paramref name="fields"/>; <see langword="false"/> at the end of the input.</summary>
    /// <exception cref="FormatException">A quote is misplaced or not closed; the message names the line.</exception>
    public async ValueTask<bool> ReadAsync(List<string?> fields, CancellationToken cancellationToken)
    {
        fields.Clear();
        RecordLine = _line;
        var inQuotes = false;
        var quoted = false;
        var afterQuote = false;
        var any = false;
        while (true)
        {
            if (_position == _length)
            {
                _length = await reader.ReadAsync(_buffer.AsMemory(), cancellationToken).ConfigureAwait(false);
                _position = 0;
                if (_length == 0)
                {
                    if (inQuotes)
                    {
                        throw new FormatException($"line {RecordLine:N0}: a quoted field is not closed before the end of the input");
                    }

                    if (!any)
                    {
                        return false;
                    }

                    EndField(fields, quoted);
                    return true;
                }
            }

            var c = _buffer[_position++];
            if (!_started)
            {
                _started = true;
                if (c == '\uFEFF')
                {
                    continue;
                }
            }

            if (_skipLineFeed)
            {
                _skipLineFeed = false;
                if (c == '\n')
                {
                    continue;
                }
            }

            any = true;
            if (inQuotes)
            {
                if (c == '"')
                {
                    inQuotes = false;
                    afterQuote = true;
                }
                else
                {
                    if (c == '\n')
                    {
                        _line++;
                    }

                    _field.Append(c);
                }

                continue;
            }

            if (afterQuote && c == '"')
            {
                _field.Append('"');
                inQuotes = true;
                afterQuote = false;
                continue;
            }

            switch (c)
            {
                case ',':
                    EndField(fields, quoted);
                    quoted = false;
                    afterQuote = false;
                    break;
                case '\r' or '\n':
                    _skipLineFeed = c == '\r';
                    _line++;
                    EndField(fields, quoted);
                    return true;
                case '"' when _field.Length == 0 && !quoted:
                    inQuotes = true;
                    quoted = true;
                    break;
                case '"':
                    throw new FormatException($"line {_line:N0}: a double quote inside an unquoted field; quote the whole field and double the quote");
                default:
                    if (afterQuote)
                    {
                        throw new FormatException($"line {_line:N0}: text after the closing quote of a field");
                    }

                    _field.Append(c);
                    break;
            }
        }
    }

    private void EndField(List<string?> fields, bool quoted)
    {
        fields.Add(quoted || _field.Length > 0 ? _field.ToString() : null);
        _field.Clear();
    }
}
