using System.Data;
using System.Runtime.CompilerServices;
using NodaTime;
using Npgsql;
using Trading.Timescale.ScaleOut.Internal;
using NpgsqlTypes;
using Trading.Timescale.Internal;
using Trading.Timescale.Records.Internal;

namespace Trading.Timescale.Queries;

public sealed partial class TradingQueries
{
    /// <summary>Streams the bars of <paramref name="symbol"/> with <paramref name="from"/> &lt;= timestamp &lt; <paramref name="to"/>, oldest first.</summary>
    /// <param name="symbol">The ticker.</param>
    /// <param name="from">The first instant included.</param>
    /// <param name="to">The first instant excluded.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The rows as they arrive; the connection is held until the enumeration ends.</returns>
    /// <exception cref="ArgumentException"><paramref name="symbol"/> is empty or <paramref name="to"/> is before <paramref name="from"/>.</exception>
    public IAsyncEnumerable<StockPrice> ReadStockPricesAsync(string symbol, Instant from, Instant to, CancellationToken cancellationToken = default) =>
        ReadByKeyAsync(TableMaps.StockPrices, "symbol", symbol, from, to, "\"timestamp\"", cancellationToken);

    /// <summary>Streams the option quotes of <paramref name="underlyingSymbol"/> in [<paramref name="from"/>, <paramref name="to"/>), by timestamp then contract.</summary>
    /// <param name="underlyingSymbol">The underlying's ticker.</param>
    /// <param name="from">The first instant included.</param>
    /// <param name="to">The first instant excluded.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The rows as they arrive.</returns>
    /// <exception cref="ArgumentException"><paramref name="underlyingSymbol"/> is empty or <paramref name="to"/> is before <paramref name="from"/>.</exception>
    public IAsyncEnumerable<OptionQuote> ReadOptionQuotesAsync(string underlyingSymbol, Instant from, Instant to, CancellationToken cancellationToken = default) =>
        ReadByKeyAsync(TableMaps.OptionQuotes, "underlying_symbol", underlyingSymbol, from, to, "\"timestamp\", \"option_symbol\"", cancellationToken);

    /// <summary>Streams the signals for <paramref name="symbol"/> in [<paramref name="from"/>, <paramref name="to"/>), oldest first.</summary>
    /// <param name="symbol">The ticker.</param>
    /// <param name="from">The first instant included.</param>
    /// <param name="to">The first instant excluded.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The rows as they arrive.</returns>
    /// <exception cref="ArgumentException"><paramref name="symbol"/> is empty or <paramref name="to"/> is before <paramref name="from"/>.</exception>
    public IAsyncEnumerable<TradingSignal> ReadSignalsAsync(string symbol, Instant from, Instant to, CancellationToken cancellationToken = default) =>
        ReadByKeyAsync(TableMaps.Signals, "symbol", symbol, from, to, "\"timestamp\", \"model_version\"", cancellationToken);

    /// <summary>Streams the values of metric <paramref name="metricName"/> in [<paramref name="from"/>, <paramref name="to"/>), oldest first.</summary>
    /// <param name="metricName">The metric, for example <c>sharpe_ratio</c>.</param>
    /// <param name="from">The first instant included.</param>
    /// <param name="to">The first instant excluded.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The rows as they arrive.</returns>
    /// <exception cref="ArgumentException"><paramref name="metricName"/> is empty or <paramref name="to"/> is before <paramref name="from"/>.</exception>
    public IAsyncEnumerable<PerformanceMetric> ReadPerformanceMetricsAsync(string metricName, Instant from, Instant to, CancellationToken cancellationToken = default) =>
        ReadByKeyAsync(TableMaps.PerformanceMetrics, "metric_name", metricName, from, to, "\"timestamp\", \"id\"", cancellationToken);

    /// <summary>Streams the data quality checks on table <paramref name="tableName"/> in [<paramref name="from"/>, <paramref name="to"/>), oldest first.</summary>
    /// <param name="tableName">The checked table, as stored in <c>table_name</c>.</param>
    /// <param name="from">The first instant included.</param>
    /// <param name="to">The first instant excluded.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The rows as they arrive.</returns>
    /// <exception cref="ArgumentException"><paramref name="tableName"/> is empty or <paramref name="to"/> is before <paramref name="from"/>.</exception>
    public IAsyncEnumerable<DataQualityCheck> ReadDataQualityChecksAsync(string tableName, Instant from, Instant to, CancellationToken cancellationToken = default) =>
        ReadByKeyAsync(TableMaps.DataQuality, "table_name", tableName, from, to, "\"timestamp\", \"id\"", cancellationToken);

    /// <summary>Streams the system events in [<paramref name="from"/>, <paramref name="to"/>) at or above <paramref name="minimumSeverity"/>, oldest first.</summary>
    /// <param name="from">The first instant included.</param>
    /// <param name="to">The first instant excluded.</param>
    /// <param name="minimumSeverity">The least severe level included.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The rows as they arrive.</returns>
    /// <exception cref="ArgumentException"><paramref name="to"/> is before <paramref name="from"/>.</exception>
    public IAsyncEnumerable<SystemEvent> ReadSystemEventsAsync(Instant from, Instant to, EventSeverity minimumSeverity = EventSeverity.Debug, CancellationToken cancellationToken = default)
    {
        CheckRange(from, to);
        var levels = EnumText.Severities.Skip(Math.Clamp((int)minimumSeverity, 0, EnumText.Severities.Length)).ToArray();
        var filter = new NpgsqlParameter<string[]> { TypedValue = levels, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Varchar };
        return ReadAsync(TableMaps.SystemEvents, "\"severity\" = ANY($1)", filter, from, to, "\"timestamp\", \"id\"", cancellationToken);
    }

    private IAsyncEnumerable<T> ReadByKeyAsync<T>(TableMap<T> map, string column, string value, Instant from, Instant to, string orderBy, CancellationToken cancellationToken)
        where T : TradingRecord
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value);
        CheckRange(from, to);
        var filter = new NpgsqlParameter<string> { TypedValue = value, NpgsqlDbType = NpgsqlDbType.Varchar };
        return ReadAsync(map, $"\"{column}\" = $1", filter, from, to, orderBy, cancellationToken);
    }

    private static void CheckRange(Instant from, Instant to)
    {
        if (to < from)
        {
            throw new ArgumentException($"The range ends ({to}) before it starts ({from}).", nameof(to));
        }
    }

    private async IAsyncEnumerable<T> ReadAsync<T>(TableMap<T> map, string filter, NpgsqlParameter filterValue, Instant from, Instant to, string orderBy,
        [EnumeratorCancellation] CancellationToken cancellationToken)
        where T : TradingRecord
    {
        using var query = new QueryScope(map.QualifiedTable + ".range", _dataSource);
        var connection = await ReadRouter.For(_dataSource).OpenAsync(null, null, cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = new NpgsqlCommand(
                $"{map.SelectSql} WHERE {filter} AND \"timestamp\" >= $2 AND \"timestamp\" < $3 ORDER BY {orderBy}", connection);
            command.Parameters.Add(filterValue);
            command.Parameters.Add(new NpgsqlParameter<Instant> { TypedValue = from, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            command.Parameters.Add(new NpgsqlParameter<Instant> { TypedValue = to, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            // Columns are read once, in order: sequential access skips buffering each row.
            var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, cancellationToken).ConfigureAwait(false);
            await using var readerScope = reader.ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return map.Read(reader);
            }

            query.Succeeded();
        }
    }
}
