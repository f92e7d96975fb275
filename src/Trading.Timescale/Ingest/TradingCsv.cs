using System.Runtime.CompilerServices;
using Trading.Timescale.Ingest.Internal;
using Trading.Timescale.Records.Internal;

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
    /// <summary>
    /// The most bytes one CSV record may hold (1 MiB). A longer record (typically a quote that is never closed)
    /// fails the import naming the row and line where it starts, instead of buffering the rest of the input.
    /// </summary>
    public const int MaxRecordBytes = 1 << 20;

    /// <summary>The table's name without schema, as the CLI and CSV files use it, for example <c>stock_prices</c>.</summary>
    /// <param name="table">The table.</param>
    /// <returns>The name.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="table"/> is not defined.</exception>
    public static string TableName(IngestTable table) => TableMaps.Get(table).Table;

    /// <summary>Finds a table by its name (<c>stock_prices</c> or <c>trading.stock_prices</c>, any case).</summary>
    /// <param name="name">The name.</param>
    /// <param name="table">The table, when found.</param>
    /// <returns>Whether <paramref name="name"/> names an ingest table.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is <see langword="null"/>.</exception>
    public static bool TryParseTable(string name, out IngestTable table)
    {
        ArgumentNullException.ThrowIfNull(name);
        var map = TableMaps.Find(name);
        table = map?.Id ?? default;
        return map is not null;
    }

    /// <summary>The columns a CSV file of <paramref name="table"/> may name, in table order (without <c>id</c>, <c>created_at</c>, <c>updated_at</c>).</summary>
    /// <param name="table">The table.</param>
    /// <returns>The column names.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="table"/> is not defined.</exception>
    public static IReadOnlyList<string> ColumnNames(IngestTable table) => TableMaps.Get(table).ColumnNames;

    /// <summary>
    /// The values of a refused row as CSV text, one per column of <see cref="ColumnNames(IngestTable)"/>
    /// (<see langword="null"/> for NULL): the record's values formatted as the importer reads them, or the raw field
    /// text when the row could not be parsed.
    /// </summary>
    /// <param name="table">The table the row was meant for.</param>
    /// <param name="error">The refused row.</param>
    /// <returns>The values.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="error"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="table"/> is not defined.</exception>
    public static IReadOnlyList<string?> FormatValues(IngestTable table, IngestRowError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        var map = TableMaps.Get(table);
        return error.Record is { } record && record.GetType() == map.RecordType
            ? map.Format(record)
            : error.Values ?? new string?[map.ColumnNames.Count];
    }

#pragma warning disable RS0026 // Overloads differ by input type (TextReader or Stream).
    /// <summary>
    /// Reads records of type <typeparamref name="T"/> from UTF-8 bytes; a record whose bytes are not UTF-8 fails with
    /// its row, line and byte offset named.
    /// </summary>
    /// <typeparam name="T">A record type, for example <see cref="StockPrice"/>.</typeparam>
    /// <param name="utf8Csv">The CSV bytes, header first; not disposed.</param>
    /// <param name="cancellationToken">Cancels reading.</param>
    /// <returns>The records, one per CSV record, in order. Records are parsed, not validated.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="utf8Csv"/> is <see langword="null"/>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is not one of the record types.</exception>
    /// <exception cref="FormatException">The header or a record cannot be read; the message names row, line, column and value.</exception>
    public static IAsyncEnumerable<T> ReadAsync<T>(Stream utf8Csv, CancellationToken cancellationToken = default)
        where T : TradingRecord
    {
        ArgumentNullException.ThrowIfNull(utf8Csv);
        return ReadCoreAsync(TableMaps.For<T>(), utf8Csv, cancellationToken);
    }

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
        return ReadCoreAsync(TableMaps.For<T>(), new TextReaderUtf8Stream(csv), cancellationToken);
    }
#pragma warning restore RS0026

    private static async IAsyncEnumerable<T> ReadCoreAsync<T>(TableMap<T> map, Stream csv, [EnumeratorCancellation] CancellationToken cancellationToken)
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
