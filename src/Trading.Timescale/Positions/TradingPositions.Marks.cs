using System.Globalization;
using Npgsql;
using NpgsqlTypes;
using Trading.Timescale.Internal;
using Trading.Timescale.Positions.Internal;
using Trading.Timescale.ScaleOut.Internal;

namespace Trading.Timescale.Positions;

// Marks and P&L: mark-to-market from the latest prices and quotes, the portfolio summary, and why a position stays unmarked.
public sealed partial class TradingPositions
{
    /// <summary>
    /// Marks the open positions to the latest prices: a stock to <c>close_price</c> in <c>trading.latest_stock_prices</c>; an
    /// option to the mid of <c>bid_price</c> and <c>ask_price</c> in <c>trading.latest_option_quotes</c> when both are present
    /// and bid &lt;= ask, else to its <c>last_price</c>. Sets <c>mark_price</c>, <c>marked_at</c> (the price's timestamp) and
    /// <c>unrealized_pnl = (mark - average_cost) * quantity * multiplier</c>. Positions without a usable price are left as
    /// they were and reported as unmarked, never valued at zero; so is a position whose unrealized P&amp;L at the new price
    /// would not fit numeric(18,4), while the others are marked.
    /// </summary>
    /// <param name="account">Only this account; null for every account.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The marked and the unmarked positions.</returns>
    /// <exception cref="ArgumentException"><paramref name="account"/> is empty or too long.</exception>
    public async Task<MarkToMarketResult> MarkToMarketAsync(string? account = null, CancellationToken cancellationToken = default)
    {
        PositionValidation.ValidateAccountFilter(account);
        var marked = new List<PositionMark>();
        var unmarked = new List<UnmarkedPosition>();
        var connection = await PrimaryConnection.OpenAsync(_dataSource, cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = new NpgsqlCommand(PositionSql.MarkToMarket, connection);
            command.Parameters.Add(PositionSql.Value(account, NpgsqlDbType.Varchar));
            command.Parameters.Add(PositionSql.Value(_clock.GetCurrentInstant(), NpgsqlDbType.TimestampTz));
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using var readerScope = reader.ConfigureAwait(false);
            var extra = PositionSql.PositionColumnCount;
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var position = PositionSql.ReadPosition(reader);
                if (!reader.IsDBNull(extra))
                {
                    marked.Add(new PositionMark(position, PositionCodes.ParseMarkSource(reader.GetString(extra))));
                }
                else if (!reader.IsDBNull(extra + 7))
                {
                    unmarked.Add(new UnmarkedPosition(position, OverflowReason(position, reader.GetDecimal(extra + 6), reader.GetString(extra + 7))));
                }
                else
                {
                    unmarked.Add(new UnmarkedPosition(position, UnmarkedReason(
                        position,
                        reader.GetBoolean(extra + 1),
                        reader.Decimal(extra + 3),
                        reader.Decimal(extra + 4),
                        reader.Decimal(extra + 5))));
                }
            }
        }

        return new MarkToMarketResult(marked, unmarked);
    }

    /// <summary>
    /// Sums exposure and P&amp;L from the positions as last marked (run <see cref="MarkToMarketAsync"/> first for fresh figures).
    /// Exposure counts marked open positions at <c>mark_price * quantity * multiplier</c>; realized P&amp;L includes closed
    /// positions; open positions never marked are listed, not valued.
    /// </summary>
    /// <param name="account">Only this account; null for every account.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The totals, the per-symbol breakdown and the unmarked positions, read from one snapshot.</returns>
    /// <exception cref="ArgumentException"><paramref name="account"/> is empty or too long.</exception>
    public async Task<PortfolioSummary> GetPortfolioSummaryAsync(string? account = null, CancellationToken cancellationToken = default)
    {
        PositionValidation.ValidateAccountFilter(account);
        var generatedAt = _clock.GetCurrentInstant();
        var bySymbol = new List<PortfolioSymbolSummary>();
        IReadOnlyList<Position> unmarked;
        var connection = await PrimaryConnection.OpenAsync(_dataSource, cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                using (var command = new NpgsqlCommand(PositionSql.SymbolSummary, connection, transaction))
                {
                    command.Parameters.Add(PositionSql.Value(account, NpgsqlDbType.Varchar));
                    var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                    await using var readerScope = reader.ConfigureAwait(false);
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        bySymbol.Add(new PortfolioSymbolSummary(
                            reader.GetString(0),
                            reader.GetInt32(1),
                            reader.GetInt32(2),
                            reader.GetDecimal(3),
                            reader.GetDecimal(4),
                            reader.GetDecimal(5),
                            reader.GetDecimal(6)));
                    }
                }

                unmarked = await ReadPositionsAsync(connection, PositionSql.SelectUnmarked, account, cancellationToken).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        return new PortfolioSummary(
            account,
            generatedAt,
            bySymbol.Sum(s => s.OpenPositions),
            bySymbol.Sum(s => s.GrossExposure),
            bySymbol.Sum(s => s.NetExposure),
            bySymbol.Sum(s => s.RealizedPnl),
            bySymbol.Sum(s => s.UnrealizedPnl),
            bySymbol,
            unmarked);
    }

    private static string UnmarkedReason(Position position, bool hasPriceRow, decimal? bid, decimal? ask, decimal? last)
    {
        if (position.Option is not { } leg)
        {
            return hasPriceRow
                ? $"trading.latest_stock_prices has no close_price for {position.Symbol}"
                : $"no row for {position.Symbol} in trading.latest_stock_prices";
        }

        if (!hasPriceRow)
        {
            return $"no row for {leg.OptionSymbol} in trading.latest_option_quotes";
        }

        return string.Create(
            CultureInfo.InvariantCulture,
            $"trading.latest_option_quotes has no usable price for {leg.OptionSymbol}: bid {Show(bid)} and ask {Show(ask)} give no mid " +
            $"(both are needed, with bid <= ask) and last_price is {Show(last)}");
    }

    private static string OverflowReason(Position position, decimal mark, string unrealized)
    {
        var (table, instrument) = position.Option is { } leg
            ? ("trading.latest_option_quotes", leg.OptionSymbol)
            : ("trading.latest_stock_prices", position.Symbol);
        return $"{table} prices {instrument} at {TradePlanner.Format(mark)}, which makes the unrealized P&L {unrealized} " +
            "(beyond the numeric(18,4) range of trading.positions.unrealized_pnl); the position keeps its earlier mark";
    }

    private static string Show(decimal? value) => value is { } v ? TradePlanner.Format(v) : "null";
}
