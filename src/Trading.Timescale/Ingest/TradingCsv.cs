using System.Runtime.CompilerServices;
using Trading.Timescale.Ingest.Internal;

namespace Trading.Timescale.Ingest;

/// <summary>
/// Reads CSV text into records. The header row names columns of the record's table in any order (unknown names are
/// an error; <c>id</c>, <c>created_at</c> and <c>updated_at</c> are accepted and ignored). Fields follow RFC 4180
/// quoting; an unquoted empty field is NULL; numbers use the invariant culture; timestamps are ISO 8601 with a UTC
/// offset (<c>2026-01-05T14:30:00Z</c>, <c>2026-01-05 09:30:00-05</c>); dates are <c>2026-12-18</c>; enums are their
/// table text (<c>CALL</c>, <c>BUY</c>, <c>WARNING</c>...).
/// </summary>
public static class TradingCsv
{
    /// <summary>Reads records of type <typeparamref name="T"/> from <paramref name="csv"/>.</summary>
    /// <typeparam name="T">A record type, for example <see cref="StockPrice"/>.</typeparam>
    /// <param name="csv">The CSV text, header first.</param>
    /// <param name="cancellationToken">Cancels reading.</param>
    /// <returns>The records, one per CSV record, in order. Records are parsed, not validated.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="csv"/> is <see langword="null"/>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is not one of the record types.</exception>
    /// <exception cref="FormatException">The header or a record cannot be read; the message names line, column and value.</exception>
    public static IAsyncEnumerable<T> ReadAsync<T>(TextReader csv, CancellationToken cancellationToken = default)
        where T : TradingRecord
    {
        ArgumentNullException.ThrowIfNull(csv);
        return ReadCoreAsync(TableMaps.For<T>(), csv, cancellationToken);
    }

    /// <summary>The table's name without schema, as CSV tools name it: <c>stock_prices</c>, <c>options_data</c>...</summary>
    /// <param name="table">The table.</param>
    /// <returns>The name; the table lives in the <c>trading</c> schema.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="table"/> is not an <see cref="IngestTable"/> value.</exception>
    public static string TableName(IngestTable table) => TableMaps.Get(table).Table;

    /// <summary>Finds a table by its name, with or without the <c>trading.</c> schema, ignoring case.</summary>
    /// <param name="name">For example <c>stock_prices</c> or <c>trading.options_data</c>.</param>
    /// <param name="table">The table, when found.</param>
    /// <returns>Whether <paramref name="name"/> names an ingest table.</returns>
    public static bool TryParseTable(string? name, out IngestTable table)
    {
        var map = name is null ? null : TableMaps.Find(name);
        table = map?.Id ?? default;
        return map is not null;
    }

    /// <summary>The columns a CSV file for <paramref name="table"/> may name, in the table's order (server-set columns excluded).</summary>
    /// <param name="table">The table.</param>
    /// <returns>The column names, for example <c>symbol</c>, <c>timestamp</c>, <c>open_price</c>...</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="table"/> is not an <see cref="IngestTable"/> value.</exception>
    public static IReadOnlyList<string> Columns(IngestTable table) => TableMaps.Get(table).ColumnNames;

    /// <summary>Formats a record as CSV field text, one value per <see cref="Columns"/> entry of its table (<see langword="null"/> for NULL).</summary>
    /// <param name="record">A record of one of the ingest tables.</param>
    /// <returns>The values, in the form <see cref="ReadAsync{T}"/> reads back.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="record"/> is <see langword="null"/>.</exception>
    /// <exception cref="NotSupportedException"><paramref name="record"/> is not a record of an ingest table.</exception>
    public static IReadOnlyList<string?> Format(TradingRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var map = TableMaps.All.FirstOrDefault(m => m.RecordType == record.GetType())
            ?? throw new NotSupportedException($"{record.GetType().Name} is not a record of an ingest table.");
        return map.Format(record);
    }

    private static async IAsyncEnumerable<T> ReadCoreAsync<T>(TableMap<T> map, TextReader csv, [EnumeratorCancellation] CancellationToken cancellationToken)
        where T : TradingRecord
    {
        var source = new CsvRowSource<T>(map, csv);
        await using (source.ConfigureAwait(false))
        {
            while (await source.MoveNextAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return source.CurrentError is { } error ? throw new FormatException(error.Message) : source.Current!;
            }
        }
    }
}
