using NodaTime;
using Npgsql;
using NpgsqlTypes;
using Trading.Timescale.Internal;
using Trading.Timescale.Positions.Internal;
using Trading.Timescale.ScaleOut.Internal;

namespace Trading.Timescale.Positions;

// Trades: opening a position, adding to it, reducing and closing it, each in one transaction with its ledger row.
public sealed partial class TradingPositions
{
    /// <summary>
    /// Opens a position with its first trade. An account holds at most one OPEN position per instrument (a stock symbol, or
    /// an option symbol): a second open is refused, naming the open position to add to.
    /// </summary>
    /// <param name="request">The instrument, signed quantity, price, fees and links of the opening trade.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The new position and its OPEN ledger row.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="request"/> is null.</exception>
    /// <exception cref="ArgumentException">A field of <paramref name="request"/> is invalid; the message names it and its value.</exception>
    /// <exception cref="TradingPositionException">The account already has an OPEN position in the instrument (<see cref="PositionErrorReason.AlreadyOpen"/>).</exception>
    public async Task<PositionTradeResult> OpenAsync(OpenPositionRequest request, CancellationToken cancellationToken = default)
    {
        var (type, multiplier) = PositionValidation.ValidateOpen(request);
        var now = _clock.GetCurrentInstant();
        var executedAt = request.ExecutedAt ?? now;
        var instrumentKey = request.Option?.OptionSymbol ?? request.Symbol;
        var plan = TradePlanner.Open(request.Quantity, request.Price, request.Fees);

        var connection = await PrimaryConnection.OpenAsync(_dataSource, cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var existing = await FindOpenAsync(connection, request.Account, type, instrumentKey, cancellationToken).ConfigureAwait(false);
                if (existing is not null)
                {
                    throw AlreadyOpen(existing);
                }

                Position position;
                try
                {
                    position = await InsertPositionAsync(connection, request, type, multiplier, plan, executedAt, now, cancellationToken).ConfigureAwait(false);
                }
                catch (PostgresException ex) when (PostgresErrors.IsOpenPositionConflict(ex))
                {
                    // Another transaction opened the same instrument since the check above.
                    await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
                    var winner = await FindOpenAsync(connection, request.Account, type, instrumentKey, cancellationToken).ConfigureAwait(false);
                    throw winner is null ? PostgresErrors.ToOpenPositionConflict(ex) : AlreadyOpen(winner);
                }

                var trade = await InsertTradeAsync(connection, position.Id, plan, executedAt, notes: null, now, cancellationToken).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return new PositionTradeResult(position, trade);
            }
        }
    }

    /// <summary>
    /// Adds to an open position: a buy for a long, a sell for a short. The average cost becomes the quantity-weighted average
    /// of the held quantity at the old average and the added quantity at <see cref="TradeFill.Price"/>. Fees are charged to realized P&amp;L.
    /// </summary>
    /// <param name="positionId">The position.</param>
    /// <param name="fill">The units added (positive), price, fees, time and notes.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The position after the trade and its ADD ledger row.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="fill"/> is null.</exception>
    /// <exception cref="ArgumentException">A field of <paramref name="fill"/> is invalid; the message names it and its value.</exception>
    /// <exception cref="TradingPositionException">The position does not exist or is closed.</exception>
    public Task<PositionTradeResult> AddAsync(long positionId, TradeFill fill, CancellationToken cancellationToken = default)
    {
        PositionValidation.ValidateFill(fill, nameof(AddAsync));
        return TradeAsync(
            positionId,
            position => TradePlanner.Add(position, fill.Quantity, fill.Price, fill.Fees),
            fill.ExecutedAt,
            nameof(fill.ExecutedAt),
            fill.Notes,
            cancellationToken);
    }

    /// <summary>
    /// Takes units off an open position: a sell for a long, a buy for a short. Realizes
    /// <c>(price - average_cost) * quantity * multiplier</c> for a long (the mirror for a short) less fees. A reduce to exactly
    /// zero closes the position; a reduce beyond zero is refused (no flip in one call).
    /// </summary>
    /// <param name="positionId">The position.</param>
    /// <param name="fill">The units taken off (positive), price, fees, time and notes.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The position after the trade and its REDUCE (or CLOSE) ledger row.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="fill"/> is null.</exception>
    /// <exception cref="ArgumentException">A field of <paramref name="fill"/> is invalid; the message names it and its value.</exception>
    /// <exception cref="TradingPositionException">The position does not exist, is closed, or holds less than the quantity (<see cref="PositionErrorReason.WouldFlip"/>).</exception>
    public Task<PositionTradeResult> ReduceAsync(long positionId, TradeFill fill, CancellationToken cancellationToken = default)
    {
        PositionValidation.ValidateFill(fill, nameof(ReduceAsync));
        return TradeAsync(
            positionId,
            position => TradePlanner.Reduce(position, fill.Quantity, fill.Price, fill.Fees),
            fill.ExecutedAt,
            nameof(fill.ExecutedAt),
            fill.Notes,
            cancellationToken);
    }

    /// <summary>Closes an open position: reduces it to zero at <paramref name="price"/>, sets status CLOSED and <c>closed_at</c>.</summary>
    /// <param name="positionId">The position.</param>
    /// <param name="price">The fill price per unit.</param>
    /// <param name="fees">Commissions and fees of the closing trade (zero or more), charged to realized P&amp;L.</param>
    /// <param name="executedAt">When the trade executed; null means now, by the book's clock. It becomes <c>closed_at</c>.</param>
    /// <param name="notes">Free text stored on the ledger row.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The closed position and its CLOSE ledger row.</returns>
    /// <exception cref="ArgumentException"><paramref name="price"/>, <paramref name="fees"/> or <paramref name="executedAt"/> is invalid.</exception>
    /// <exception cref="TradingPositionException">The position does not exist or is already closed.</exception>
    public Task<PositionTradeResult> CloseAsync(
        long positionId,
        decimal price,
        decimal fees = 0m,
        Instant? executedAt = null,
        string? notes = null,
        CancellationToken cancellationToken = default)
    {
        PositionValidation.ValidatePrice(price, nameof(price));
        PositionValidation.ValidateFees(fees, nameof(fees));
        PositionValidation.ValidateNotes(notes, nameof(notes));
        return TradeAsync(
            positionId,
            position => TradePlanner.Close(position, price, fees),
            executedAt,
            nameof(executedAt),
            notes,
            cancellationToken);
    }

    private async Task<PositionTradeResult> TradeAsync(
        long positionId,
        Func<Position, TradePlan> plan,
        Instant? executedAt,
        string executedAtName,
        string? notes,
        CancellationToken cancellationToken)
    {
        var now = _clock.GetCurrentInstant();
        var at = executedAt ?? now;
        var connection = await PrimaryConnection.OpenAsync(_dataSource, cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                Position locked;
                using (var select = new NpgsqlCommand(PositionSql.SelectForUpdate, connection, transaction))
                {
                    select.Parameters.Add(PositionSql.Value(positionId, NpgsqlDbType.Bigint));
                    locked = await ReadSingleAsync(select, cancellationToken).ConfigureAwait(false) ?? throw NotFound(positionId);
                }

                var trade = plan(locked);
                PositionValidation.EnsureNotBeforeOpening(locked, at, executedAtName);

                Position updated;
                using (var update = new NpgsqlCommand(PositionSql.UpdateAfterTrade, connection, transaction))
                {
                    update.Parameters.Add(PositionSql.Value(positionId, NpgsqlDbType.Bigint));
                    update.Parameters.Add(PositionSql.Value(trade.QuantityAfter, NpgsqlDbType.Numeric));
                    update.Parameters.Add(PositionSql.Value(trade.AverageCostAfter, NpgsqlDbType.Numeric));
                    update.Parameters.Add(PositionSql.Value(trade.PositionRealizedPnlAfter, NpgsqlDbType.Numeric));
                    update.Parameters.Add(PositionSql.Value(PositionCodes.ToCode(trade.Closes ? PositionStatus.Closed : PositionStatus.Open), NpgsqlDbType.Varchar));
                    update.Parameters.Add(PositionSql.Value(trade.Closes ? at : null, NpgsqlDbType.TimestampTz));
                    update.Parameters.Add(PositionSql.Value(now, NpgsqlDbType.TimestampTz));
                    try
                    {
                        updated = await ReadSingleAsync(update, cancellationToken).ConfigureAwait(false) ?? throw NotFound(positionId);
                    }
                    catch (PostgresException ex) when (PostgresErrors.IsNumericOverflow(ex) && locked.MarkPrice is { } mark)
                    {
                        throw new ArgumentException(
                            $"The trade would make the unrealized_pnl of position {positionId} at its mark {TradePlanner.Format(mark)} (quantity " +
                            $"{TradePlanner.Format(trade.QuantityAfter)}, average cost {TradePlanner.Format(trade.AverageCostAfter)}, multiplier " +
                            $"{locked.Multiplier}) beyond the numeric(18,4) range of trading.positions; check price and quantity.",
                            ex);
                    }
                }

                var ledger = await InsertTradeAsync(connection, positionId, trade, at, notes, now, cancellationToken).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return new PositionTradeResult(updated, ledger);
            }
        }
    }

    private static async Task<Position?> FindOpenAsync(
        NpgsqlConnection connection, string account, InstrumentType type, string instrumentKey, CancellationToken cancellationToken)
    {
        using var command = new NpgsqlCommand(PositionSql.SelectOpenByInstrument, connection);
        command.Parameters.Add(PositionSql.Value(account, NpgsqlDbType.Varchar));
        command.Parameters.Add(PositionSql.Value(PositionCodes.ToCode(type), NpgsqlDbType.Varchar));
        command.Parameters.Add(PositionSql.Value(instrumentKey, NpgsqlDbType.Varchar));
        return await ReadSingleAsync(command, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<Position> InsertPositionAsync(
        NpgsqlConnection connection,
        OpenPositionRequest request,
        InstrumentType type,
        int multiplier,
        TradePlan plan,
        Instant executedAt,
        Instant now,
        CancellationToken cancellationToken)
    {
        var leg = request.Option;
        using var command = new NpgsqlCommand(PositionSql.InsertPosition, connection);
        command.Parameters.Add(PositionSql.Value(request.Account, NpgsqlDbType.Varchar));
        command.Parameters.Add(PositionSql.Value(request.Symbol, NpgsqlDbType.Varchar));
        command.Parameters.Add(PositionSql.Value(PositionCodes.ToCode(type), NpgsqlDbType.Varchar));
        command.Parameters.Add(PositionSql.Value(leg?.OptionSymbol, NpgsqlDbType.Varchar));
        command.Parameters.Add(PositionSql.Value(leg is null ? null : PositionCodes.ToCode(leg.Right), NpgsqlDbType.Varchar));
        command.Parameters.Add(PositionSql.Value(leg?.StrikePrice, NpgsqlDbType.Numeric));
        command.Parameters.Add(PositionSql.Value(leg?.ExpirationDate, NpgsqlDbType.Date));
        command.Parameters.Add(PositionSql.Value(multiplier, NpgsqlDbType.Integer));
        command.Parameters.Add(PositionSql.Value(plan.QuantityAfter, NpgsqlDbType.Numeric));
        command.Parameters.Add(PositionSql.Value(plan.AverageCostAfter, NpgsqlDbType.Numeric));
        command.Parameters.Add(PositionSql.Value(plan.PositionRealizedPnlAfter, NpgsqlDbType.Numeric));
        command.Parameters.Add(PositionSql.Value(request.SignalId, NpgsqlDbType.Bigint));
        command.Parameters.Add(PositionSql.Value(request.SignalTimestamp, NpgsqlDbType.TimestampTz));
        command.Parameters.Add(PositionSql.Value(executedAt, NpgsqlDbType.TimestampTz));
        command.Parameters.Add(PositionSql.Value(request.Notes, NpgsqlDbType.Text));
        command.Parameters.Add(PositionSql.Value(now, NpgsqlDbType.TimestampTz));
        return await ReadSingleAsync(command, cancellationToken).ConfigureAwait(false)
            ?? throw new TradingDataException("INSERT INTO trading.positions returned no row: a trigger or rule on the table dropped it; nothing was opened.");
    }

    private static async Task<PositionTrade> InsertTradeAsync(
        NpgsqlConnection connection, long positionId, TradePlan plan, Instant executedAt, string? notes, Instant now, CancellationToken cancellationToken)
    {
        using var command = new NpgsqlCommand(PositionSql.InsertTrade, connection);
        command.Parameters.Add(PositionSql.Value(positionId, NpgsqlDbType.Bigint));
        command.Parameters.Add(PositionSql.Value(PositionCodes.ToCode(plan.Kind), NpgsqlDbType.Varchar));
        command.Parameters.Add(PositionSql.Value(PositionCodes.ToCode(plan.Side), NpgsqlDbType.Varchar));
        command.Parameters.Add(PositionSql.Value(plan.Quantity, NpgsqlDbType.Numeric));
        command.Parameters.Add(PositionSql.Value(plan.Price, NpgsqlDbType.Numeric));
        command.Parameters.Add(PositionSql.Value(plan.Fees, NpgsqlDbType.Numeric));
        command.Parameters.Add(PositionSql.Value(plan.RealizedPnl, NpgsqlDbType.Numeric));
        command.Parameters.Add(PositionSql.Value(plan.QuantityAfter, NpgsqlDbType.Numeric));
        command.Parameters.Add(PositionSql.Value(plan.AverageCostAfter, NpgsqlDbType.Numeric));
        command.Parameters.Add(PositionSql.Value(executedAt, NpgsqlDbType.TimestampTz));
        command.Parameters.Add(PositionSql.Value(notes, NpgsqlDbType.Text));
        command.Parameters.Add(PositionSql.Value(now, NpgsqlDbType.TimestampTz));
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var readerScope = reader.ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return PositionSql.ReadTrade(reader);
    }

    private static TradingPositionException AlreadyOpen(Position open) =>
        new(
            PositionErrorReason.AlreadyOpen,
            open.Id,
            $"Account '{open.Account}' already has OPEN position {open.Id} in {TradePlanner.Describe(open)} " +
            $"(quantity {TradePlanner.Format(open.Quantity)} at average cost {TradePlanner.Format(open.AverageCost)}): " +
            $"add to it with AddAsync({open.Id}, ...), or close it before opening a new one.");
}
