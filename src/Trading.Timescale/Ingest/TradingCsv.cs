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
