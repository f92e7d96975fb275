using System.Data;
using Npgsql;
using Trading.Timescale.ScaleOut.Internal;
using NpgsqlTypes;
using Trading.Timescale.Records.Internal;

namespace Trading.Timescale.Queries;

public sealed partial class TradingQueries
{
    /// <summary>
    /// Reads the newest bar per symbol from <c>trading.latest_stock_prices</c>: primary-key lookups, so the cost does
    /// not depend on how much history the hypertable holds.
    /// </summary>
    /// <param name="symbols">The symbols to read; every symbol when omitted. Unknown symbols are absent from the result.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>One bar per symbol, ordered by symbol. <see cref="TradingRecord.Id"/> is <see langword="null"/>.</returns>
    public async Task<IReadOnlyList<StockPrice>> GetLatestStockPricesAsync(IEnumerable<string>? symbols = null, CancellationToken cancellationToken = default)
    {
        var map = TableMaps.StockPrices;
        var snapshot = map.Latest!;
        var filter = symbols is null ? null : new NpgsqlParameter<string[]> { TypedValue = symbols.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Varchar };
        var sql = snapshot.SelectSql + (filter is null ? string.Empty : " WHERE \"symbol\" = ANY($1)") + " ORDER BY \"symbol\"";
        return await ListAsync(map, sql, filter, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Reads the newest quote per option contract from <c>trading.latest_option_quotes</c>, without scanning the hypertable.
    /// </summary>
    /// <param name="underlyingSymbol">The underlying whose contracts to read; every contract when omitted.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>One quote per contract, ordered by option symbol. <see cref="TradingRecord.Id"/> is <see langword="null"/>.</returns>
    public async Task<IReadOnlyList<OptionQuote>> GetLatestOptionQuotesAsync(string? underlyingSymbol = null, CancellationToken cancellationToken = default)
    {
        var map = TableMaps.OptionQuotes;
        var snapshot = map.Latest!;
        var filter = underlyingSymbol is null ? null : new NpgsqlParameter<string> { TypedValue = underlyingSymbol, NpgsqlDbType = NpgsqlDbType.Varchar };
        var sql = snapshot.SelectSql + (filter is null ? string.Empty : " WHERE \"underlying_symbol\" = $1") + " ORDER BY \"option_symbol\"";
        return await ListAsync(map, sql, filter, cancellationToken).ConfigureAwait(false);
    }

    private async Task<IReadOnlyList<T>> ListAsync<T>(TableMap<T> map, string sql, NpgsqlParameter? parameter, CancellationToken cancellationToken)
        where T : TradingRecord
    {
        var rows = new List<T>();
        var connection = await ReadRouter.For(_dataSource).OpenAsync(null, null, cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = new NpgsqlCommand(sql, connection);
            if (parameter is not null)
            {
                command.Parameters.Add(parameter);
            }

            var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, cancellationToken).ConfigureAwait(false);
            await using var readerScope = reader.ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                rows.Add(map.Read(reader));
            }
        }

        return rows;
    }
}
