using System.Globalization;
using System.Text;
using Trading.Timescale.Records.Internal;

namespace Trading.Timescale.Ingest.Internal;

/// <summary>
/// Turns CSV records into records of a table, parsing each field straight from the UTF-8 bytes. The header row names
/// the table's columns in any order; <c>id</c>, <c>created_at</c> and <c>updated_at</c> may appear and are ignored, and
/// empty names at the end (a trailing comma) are ignored. A record that cannot be parsed, or whose bytes are not
/// UTF-8, becomes an invalid row (<see cref="RowSource{T}.CurrentError"/>); a broken header fails the whole input.
/// </summary>
internal sealed class CsvRowSource<T>(TableMap<T> map, Stream stream) : RowSource<T>
    where T : TradingRecord
{
    private readonly Utf8CsvReader _reader = new(stream);
    private readonly CsvStrings _strings = new();
    private readonly CsvValues _values = new(map.Columns.Length);
    private int[]? _columnOfField;
    private int _fieldCount;
    private int _trailingEmpty;
    private long _row;

    public override async ValueTask<bool> MoveNextAsync(CancellationToken cancellationToken)
    {
        Current = null;
        CurrentError = null;
        if (_columnOfField is null)
        {
            await ReadHeaderAsync(cancellationToken).ConfigureAwait(false);
        }

        if (!await _reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        _row++;
        CurrentLine = _reader.RecordLine;
        Parse();
        return true;
    }

    /// <summary>Returns the buffer; the stream belongs to the caller.</summary>
    public override ValueTask DisposeAsync()
    {
        _reader.Dispose();
        return ValueTask.CompletedTask;
    }

    private async ValueTask ReadHeaderAsync(CancellationToken cancellationToken)
    {
        if (!await _reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            throw new FormatException($"The input is empty; expected a header row naming columns of {map.QualifiedTable}: {string.Join(",", map.ColumnNames)}.");
        }

        if (_reader.FindInvalidUtf8() is { } bad)
        {
            throw new FormatException(string.Create(CultureInfo.InvariantCulture,
                $"line 1: byte 0x{bad.Value:X2} at byte offset {bad.Offset:N0} is not UTF-8; save the file as UTF-8"));
        }

        var count = _reader.FieldCount;
        while (count > 1 && _reader.Field(count - 1).Trim(" \t"u8).IsEmpty && !_reader.IsQuoted(count - 1))
        {
            count--;
        }

        _trailingEmpty = _reader.FieldCount - count;
        var columnOfField = new int[_reader.FieldCount];
        Array.Fill(columnOfField, -1);
        var seen = new bool[map.Columns.Length];
        for (var i = 0; i < count; i++)
        {
            var name = Encoding.UTF8.GetString(_reader.Field(i)).Trim();
            if (TableMap.ServerColumns.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                continue;
            }

            var index = Array.FindIndex(map.Columns, c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase));
            if (index < 0)
            {
                throw new FormatException(name.Length == 0
                    ? string.Create(CultureInfo.InvariantCulture, $"line 1: column {i + 1} of the header has no name; {map.QualifiedTable} has {string.Join(", ", map.ColumnNames)}.")
                    : $"line 1: unknown column '{name}' in the header; {map.QualifiedTable} has {string.Join(", ", map.ColumnNames)} (and id, created_at, updated_at, which are ignored).");
            }

            if (seen[index])
            {
                throw new FormatException($"line 1: column '{map.Columns[index].Name}' appears twice in the header.");
            }

            seen[index] = true;
            columnOfField[i] = index;
        }

        var missing = map.Columns.Where((c, i) => c.Required && !c.HasDefault && !seen[i]).Select(c => c.Name).ToList();
        if (missing.Count > 0)
        {
            throw new FormatException($"line 1: the header lacks {string.Join(", ", missing)}, which {map.QualifiedTable} requires.");
        }

        _columnOfField = columnOfField;
        _fieldCount = _reader.FieldCount;
    }

    private void Parse()
    {
        var fieldCount = _reader.FieldCount;
        if (fieldCount != _fieldCount && (_trailingEmpty == 0 || fieldCount < _fieldCount - _trailingEmpty || fieldCount > _fieldCount))
        {
            CurrentError = Error("(record)", null,
                string.Create(CultureInfo.InvariantCulture, $"the record has {fieldCount} fields; the header has {_fieldCount - _trailingEmpty}"));
            return;
        }

        if (_reader.FindInvalidUtf8() is { } bad)
        {
            CurrentError = Error("(record)", null, string.Create(CultureInfo.InvariantCulture,
                $"byte 0x{bad.Value:X2} at byte offset {bad.Offset:N0} of the input is not UTF-8; save the file as UTF-8"));
            return;
        }

        var columns = map.Columns;
        var values = _values;
        values.Clear();
        for (var i = 0; i < fieldCount; i++)
        {
            var index = _columnOfField![i];
            if (index < 0)
            {
                continue;
            }

            var column = columns[index];
            var field = _reader.Field(i);
            if (field.IsEmpty && (!_reader.IsQuoted(i) || column is not TextColumn<T>))
            {
                continue;
            }

            try
            {
                column.Parse(field, _strings, values, index);
            }
            catch (FormatException ex)
            {
                CurrentError = Error(column.Name, Encoding.UTF8.GetString(field), ex.Message);
                return;
            }
        }

        for (var i = 0; i < columns.Length; i++)
        {
            if (!values.IsSet(i) && columns[i].Required && !columns[i].HasDefault)
            {
                CurrentError = Error(columns[i].Name, null, columns[i].Name + " is missing");
                return;
            }
        }

        Current = map.Create(values);
    }

    private IngestRowError Error(string column, string? value, string reason)
    {
        var raw = new string?[map.Columns.Length];
        if (_columnOfField is not null)
        {
            for (var i = 0; i < _reader.FieldCount && i < _columnOfField.Length; i++)
            {
                if (_columnOfField[i] >= 0 && (_reader.IsQuoted(i) || !_reader.Field(i).IsEmpty))
                {
                    raw[_columnOfField[i]] = Encoding.UTF8.GetString(_reader.Field(i));
                }
            }
        }

        return new IngestRowError
        {
            RowNumber = _row,
            LineNumber = CurrentLine,
            Column = column,
            Value = value,
            Reason = reason,
            Values = raw,
        };
    }
}
