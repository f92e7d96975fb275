using NodaTime;
using Npgsql;
using NpgsqlTypes;
using Trading.Timescale.Internal;

namespace Trading.Timescale.Positions.Internal;

/// <summary>The SQL of the position book and the mapping of its rows.</summary>
internal static class PositionSql
{
    private static readonly string[] PositionColumnNames =
    [
        "id", "account", "symbol", "instrument_type", "option_symbol", "option_type", "strike_price", "expiration_date",
        "multiplier", "quantity", "average_cost", "status", "realized_pnl", "unrealized_pnl", "mark_price", "marked_at",
        "signal_id", "signal_timestamp", "opened_at", "closed_at", "notes", "created_at", "updated_at",
    ];

    internal const string TradeColumns =
        "id, position_id, trade_type, side, quantity, price, fees, realized_pnl, position_quantity_after, average_cost_after, executed_at, notes, created_at";

    internal static readonly int PositionColumnCount = PositionColumnNames.Length;

    internal static readonly string PositionColumns = Columns(null);

    /// <summary>The unique index that allows one OPEN position per account and instrument (migration 0026).</summary>
    internal const string OpenInstrumentIndex = "positions_open_instrument_key";

    internal static readonly string SelectOpenByInstrument =
        $"""
        SELECT {PositionColumns} FROM trading.positions
        WHERE account = $1 AND instrument_type = $2 AND COALESCE(option_symbol, symbol) = $3 AND status = 'OPEN'
        """;

    internal static readonly string SelectForUpdate = $"SELECT {PositionColumns} FROM trading.positions WHERE id = $1 FOR UPDATE";

    internal static readonly string SelectById = $"SELECT {PositionColumns} FROM trading.positions WHERE id = $1";

    internal static readonly string SelectOpen =
        $"""
        SELECT {PositionColumns} FROM trading.positions
        WHERE status = 'OPEN' AND ($1::text IS NULL OR account = $1)
        ORDER BY account, symbol, id
        """;

    internal static readonly string SelectUnmarked =
        $"""
        SELECT {PositionColumns} FROM trading.positions
        WHERE status = 'OPEN' AND mark_price IS NULL AND ($1::text IS NULL OR account = $1)
        ORDER BY id
        """;

    internal static readonly string InsertPosition =
        $"""
        INSERT INTO trading.positions (account, symbol, instrument_type, option_symbol, option_type, strike_price, expiration_date,
            multiplier, quantity, average_cost, status, realized_pnl, signal_id, signal_timestamp, opened_at, notes, created_at, updated_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'OPEN', $11, $12, $13, $14, $15, $16, $16)
        RETURNING {PositionColumns}
        """;

    internal static readonly string UpdateAfterTrade =
        $"""
        UPDATE trading.positions
        SET quantity = $2, average_cost = $3, realized_pnl = $4,
            unrealized_pnl = CASE WHEN $2 = 0 THEN 0 ELSE trading.position_unrealized_pnl(mark_price, $3, $2, multiplier) END,
            status = $5, closed_at = $6, updated_at = $7
        WHERE id = $1
        RETURNING {PositionColumns}
        """;

    internal const string InsertTrade =
        $"""
        INSERT INTO trading.position_trades (position_id, trade_type, side, quantity, price, fees, realized_pnl,
            position_quantity_after, average_cost_after, executed_at, notes, created_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
        RETURNING {TradeColumns}
        """;

    /// <summary>Rows: the position exists with no trades gives one row of nulls; no row means no position.</summary>
    internal const string SelectTrades =
        """
        SELECT t.id, t.position_id, t.trade_type, t.side, t.quantity, t.price, t.fees, t.realized_pnl,
               t.position_quantity_after, t.average_cost_after, t.executed_at, t.notes, t.created_at
        FROM trading.positions p
        LEFT JOIN trading.position_trades t ON t.position_id = p.id
        WHERE p.id = $1
        ORDER BY t.id
        """;

    internal const string SymbolSummary =
        """
        SELECT symbol,
               count(*) FILTER (WHERE status = 'OPEN')::int AS open_positions,
               count(*) FILTER (WHERE status = 'OPEN' AND mark_price IS NULL)::int AS unmarked_positions,
               COALESCE(sum(abs(round(mark_price * quantity * multiplier, 4))) FILTER (WHERE status = 'OPEN' AND mark_price IS NOT NULL), 0) AS gross_exposure,
               COALESCE(sum(round(mark_price * quantity * multiplier, 4)) FILTER (WHERE status = 'OPEN' AND mark_price IS NOT NULL), 0) AS net_exposure,
               sum(realized_pnl) AS realized_pnl,
               COALESCE(sum(unrealized_pnl) FILTER (WHERE status = 'OPEN' AND mark_price IS NOT NULL), 0) AS unrealized_pnl
        FROM trading.positions
        WHERE $1::text IS NULL OR account = $1
        GROUP BY symbol
        ORDER BY symbol
        """;

    /// <summary>
    /// Locks the open positions in id order (so concurrent runs cannot deadlock), prices them from the latest tables,
    /// updates those with a price and returns every locked position: marked ones with their source, unmarked ones with
    /// the price columns that explain why.
    /// </summary>
    internal static readonly string MarkToMarket =
        $"""
        WITH priced AS (
            SELECT {Columns("p")},
                   (s.symbol IS NOT NULL OR q.option_symbol IS NOT NULL) AS has_price_row,
                   s.close_price AS stock_close, q.bid_price AS quote_bid, q.ask_price AS quote_ask, q.last_price AS quote_last,
                   CASE
                       WHEN p.instrument_type = 'STOCK' THEN s.close_price
                       WHEN q.bid_price IS NOT NULL AND q.ask_price IS NOT NULL AND q.bid_price <= q.ask_price
                           THEN round((q.bid_price + q.ask_price) / 2, 4)
                       ELSE q.last_price
                   END AS new_mark,
                   CASE
                       WHEN p.instrument_type = 'STOCK' THEN 'STOCK_CLOSE'
                       WHEN q.bid_price IS NOT NULL AND q.ask_price IS NOT NULL AND q.bid_price <= q.ask_price THEN 'OPTION_MID'
                       ELSE 'OPTION_LAST'
                   END AS mark_source,
                   COALESCE(s.timestamp, q.timestamp) AS price_timestamp
            FROM trading.positions p
            LEFT JOIN trading.latest_stock_prices s ON p.instrument_type = 'STOCK' AND s.symbol = p.symbol
            LEFT JOIN trading.latest_option_quotes q ON p.instrument_type = 'OPTION' AND q.option_symbol = p.option_symbol
            WHERE p.status = 'OPEN' AND ($1::text IS NULL OR p.account = $1)
            ORDER BY p.id
            FOR UPDATE OF p
        ), valued AS (
            SELECT pr.*, trading.position_unrealized_pnl(pr.new_mark, pr.average_cost, pr.quantity, pr.multiplier) AS new_unrealized
            FROM priced pr
        ), marked AS (
            UPDATE trading.positions p
            SET mark_price = v.new_mark,
                marked_at = v.price_timestamp,
                unrealized_pnl = v.new_unrealized,
                updated_at = $2
            FROM valued v
            WHERE p.id = v.id AND v.new_mark IS NOT NULL AND abs(v.new_unrealized) < {MaxPnlSql}
            RETURNING {Columns("p")}
        )
        SELECT {Columns("m")}, v.mark_source, NULL::boolean, NULL::numeric, NULL::numeric, NULL::numeric, NULL::numeric, NULL::numeric, NULL::text
        FROM marked m JOIN valued v ON v.id = m.id
        UNION ALL
        SELECT {Columns("v")}, NULL::text, v.has_price_row, v.stock_close, v.quote_bid, v.quote_ask, v.quote_last,
               v.new_mark, trim_scale(v.new_unrealized)::text
        FROM valued v
        WHERE v.new_mark IS NULL OR abs(v.new_unrealized) >= {MaxPnlSql}
        ORDER BY 1
        """;

    /// <summary>The bound of numeric(18,4), as SQL text: the P&amp;L columns hold values below it.</summary>
    private const string MaxPnlSql = "100000000000000";

    internal static NpgsqlParameter Value(object? value, NpgsqlDbType type) => new() { Value = value ?? DBNull.Value, NpgsqlDbType = type };

    internal static Position ReadPosition(NpgsqlDataReader reader)
    {
        var instrumentType = PositionCodes.ParseInstrumentType(reader.GetString(3));
        OptionLeg? option = null;
        if (instrumentType == InstrumentType.Option)
        {
            option = new OptionLeg(
                reader.GetString(4),
                PositionCodes.ParseOptionRight(reader.GetString(5)),
                reader.GetDecimal(6),
                reader.GetFieldValue<LocalDate>(7));
        }

        return new Position
        {
            Id = reader.GetInt64(0),
            Account = reader.GetString(1),
            Symbol = reader.GetString(2),
            InstrumentType = instrumentType,
            Option = option,
            Multiplier = reader.GetInt32(8),
            Quantity = reader.GetDecimal(9),
            AverageCost = reader.GetDecimal(10),
            Status = PositionCodes.ParseStatus(reader.GetString(11)),
            RealizedPnl = reader.GetDecimal(12),
            UnrealizedPnl = reader.Decimal(13),
            MarkPrice = reader.Decimal(14),
            MarkedAt = reader.Instant(15),
            SignalId = reader.Int64(16),
            SignalTimestamp = reader.Instant(17),
            OpenedAt = reader.GetFieldValue<Instant>(18),
            ClosedAt = reader.Instant(19),
            Notes = reader.String(20),
            CreatedAt = reader.Instant(21),
            UpdatedAt = reader.Instant(22),
        };
    }

    internal static PositionTrade ReadTrade(NpgsqlDataReader reader) => new()
    {
        Id = reader.GetInt64(0),
        PositionId = reader.GetInt64(1),
        Kind = PositionCodes.ParseKind(reader.GetString(2)),
        Side = PositionCodes.ParseSide(reader.GetString(3)),
        Quantity = reader.GetDecimal(4),
        Price = reader.GetDecimal(5),
        Fees = reader.GetDecimal(6),
        RealizedPnl = reader.GetDecimal(7),
        PositionQuantityAfter = reader.GetDecimal(8),
        AverageCostAfter = reader.GetDecimal(9),
        ExecutedAt = reader.GetFieldValue<Instant>(10),
        Notes = reader.String(11),
        CreatedAt = reader.GetFieldValue<Instant>(12),
    };

    private static string Columns(string? alias) =>
        string.Join(", ", PositionColumnNames.Select(name => alias is null ? name : $"{alias}.{name}"));
}
