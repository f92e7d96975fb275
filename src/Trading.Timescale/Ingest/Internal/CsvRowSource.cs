using System.Globalization;

namespace Trading.Timescale.Ingest.Internal;

/// <summary>
/// Turns CSV records into records of a table. The header row names the table's columns in any order;
/// <c>id</c>, <c>created_at</c> and <c>updated_at</c> may appear and are ignored. A record that cannot be parsed
/// becomes an invalid row (<see cref="RowSource{T}.CurrentError"/>); a broken header fails the whole input.
/// </summary>
internal sealed class CsvRowSource<T>(TableMap<T> map, TextReader reader) : RowSource<T>
    where T : TradingRecord
{
    private readonly CsvParser _parser = new(reader);
    private readonly List<string?> _fields = [];
    private int[]? _columnOfField;
    private int _fieldCount;
    private long _row;

    public override async ValueTask<bool> MoveNextAsync(CancellationToken cancellationToken)
    {
        Current = null;
        CurrentError = null;
        if (_columnOfField is null)
        {
            await ReadHeaderAsync(cancellationToken).ConfigureAwait(false);
        }

        do
        {
            if (!await _parser.ReadAsync(_fields, cancellationToken).ConfigureAwait(false))
            {
                return false;
            }
        }
        while (_fields.Count == 1 && _fields[0] is null);

        _row++;
        CurrentLine = _parser.RecordLine;
        Parse();
        return true;
    }

    public override ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private async ValueTask ReadHeaderAsync(CancellationToken cancellationToken)
    {
        if (!await _parser.ReadAsync(_fields, cancellationToken).ConfigureAwait(false))
        {
            throw new FormatException($"The input is empty; expected a header row naming columns of {map.QualifiedTable}: {string.Join(",", map.ColumnNames)}.");
        }

        var columnOfField = new int[_fields.Count];
        var seen = new bool[map.Columns.Length];
        for (var i = 0; i < _fields.Count; i++)
        {
            var name = (_fields[i] ?? string.Empty).Trim();
            if (TableMap.ServerColumns.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                columnOfField[i] = -1;
                continue;
            }

            var index = Array.FindIndex(map.Columns, c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase));
            if (index < 0)
            {
                throw new FormatException(
                    $"line 1: unknown column '{name}' in the header; {map.QualifiedTable} has {string.Join(", ", map.ColumnNames)} (and id, created_at, updated_at, which are ignored).");
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
        _fieldCount = _fields.Count;
    }

    private void Parse()
    {
        if (_fields.Count != _fieldCount)
        {
            CurrentError = Error("(record)", null,
                string.Create(CultureInfo.InvariantCulture, $"the record has {_fields.Count} fields; the header has {_fieldCount}"));
            return;
        }

        var columns = map.Columns;
        var values = new object?[columns.Length];
        for (var i = 0; i < _fields.Count; i++)
        {
            var index = _columnOfField![i];
            if (index < 0)
            {
                continue;
            }

            var column = columns[index];
            var text = _fields[i];
            if (text is null || (text.Length == 0 && column is not TextColumn<T>))
            {
                continue;
            }

            try
            {
                values[index] = column.Parse(text);
            }
            catch (FormatException ex)
            {
                CurrentError = Error(column.Name, text, ex.Message);
                return;
            }
        }

        for (var i = 0; i < columns.Length; i++)
        {
            if (values[i] is null && columns[i].Required && !columns[i].HasDefault)
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
            for (var i = 0; i < _fields.Count && i < _columnOfField.Length; i++)
            {
                if (_columnOfField[i] >= 0)
                {
                    raw[_columnOfField[i]] = _fields[i];
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
            RawValues = raw,
        };
    }
}
