namespace Trading.Timescale.Operations.Internal;

/// <summary>
/// One data quality check: its name, table, the status of a problem, its threshold and its query. Every query returns
/// per symbol with a problem: (symbol, problems, measured value, up to five examples as jsonb). Parameters are named
/// and passed as text, cast in the query.
/// </summary>
internal sealed record QualityCheck(string Name, string Table, DataQualityStatus ProblemStatus, double? Threshold, string Sql);

internal static class QualityChecks
{
    private const string Window = "timestamp >= @window_start::timestamptz AND timestamp <= @as_of::timestamptz";

    private static string Examples(string fields, string order) =>
        $"to_jsonb((array_agg(jsonb_build_object({fields}) ORDER BY {order}))[1:5])";

    public static IReadOnlyList<QualityCheck> Build(DataQualityOptions options, bool staleCheck) =>
    [
        new("bar_gap", "stock_prices", DataQualityStatus.Fail, options.MaxBarGap.TotalMinutes, $"""
            WITH days AS (
                SELECT d::date AS day
                FROM generate_series((@window_start::timestamptz AT TIME ZONE @tz)::date::timestamp,
                                     (@as_of::timestamptz AT TIME ZONE @tz)::date::timestamp, INTERVAL '1 day') AS d
                WHERE extract(isodow FROM d) < 6 AND NOT (d::date = ANY (@holidays::date[]))),
            sessions AS (
                SELECT d.day,
                       greatest((d.day + @open::time) AT TIME ZONE @tz, @window_start::timestamptz) AS s_start,
                       least((d.day + coalesce(e.close_time, @close::time)) AT TIME ZONE @tz, @as_of::timestamptz) AS s_end
                FROM days d
                LEFT JOIN unnest(@early_dates::date[], @early_closes::time[]) AS e(day, close_time) ON e.day = d.day),
            bars AS (
                SELECT s.day, s.s_start, s.s_end, b.symbol, b.timestamp
                FROM sessions s JOIN trading.stock_prices b ON b.timestamp >= s.s_start AND b.timestamp < s.s_end
                WHERE s.s_end > s.s_start),
            points AS (
                SELECT day, symbol, timestamp AS t FROM bars
                UNION SELECT day, symbol, s_start FROM bars
                UNION SELECT day, symbol, s_end FROM bars),
            steps AS (SELECT symbol, lag(t) OVER (PARTITION BY day, symbol ORDER BY t) AS gap_from, t AS gap_to FROM points),
            gaps AS (SELECT symbol, gap_from, gap_to, extract(epoch FROM gap_to - gap_from) / 60 AS minutes FROM steps
                     WHERE gap_to - gap_from > @max_gap::interval)
            SELECT symbol::text, count(*), max(minutes)::float8, {Examples("'from', gap_from, 'to', gap_to, 'minutes', minutes", "gap_from")}
            FROM gaps GROUP BY symbol ORDER BY symbol
            """),
        new("stale_symbol", "stock_prices", DataQualityStatus.Warn, options.StaleAfter.TotalMinutes, !staleCheck ? "" : """
            SELECT symbol::text, 1::bigint, (extract(epoch FROM @expected::timestamptz - max(timestamp)) / 60)::float8,
                   jsonb_build_array(jsonb_build_object('last_bar', max(timestamp), 'market_open_until', @expected::timestamptz))
            FROM trading.stock_prices
            WHERE timestamp >= @universe_start::timestamptz AND timestamp <= @as_of::timestamptz
            GROUP BY symbol HAVING @expected::timestamptz - max(timestamp) > @stale_after::interval
            ORDER BY symbol
            """),
        new("crossed_quote", "options_data", DataQualityStatus.Fail, 0, $"""
            SELECT underlying_symbol::text, count(*), max(bid_price - ask_price)::float8,
                   {Examples("'option_symbol', option_symbol, 'timestamp', timestamp, 'bid', bid_price, 'ask', ask_price", "timestamp, option_symbol")}
            FROM trading.options_data WHERE {Window} AND bid_price > ask_price
            GROUP BY underlying_symbol ORDER BY 1
            """),
        new("locked_quote", "options_data", DataQualityStatus.Warn, null, $"""
            SELECT underlying_symbol::text, count(*), count(*)::float8,
                   {Examples("'option_symbol', option_symbol, 'timestamp', timestamp, 'bid', bid_price, 'ask', ask_price", "timestamp, option_symbol")}
            FROM trading.options_data WHERE {Window} AND bid_price = ask_price AND ask_price > 0
            GROUP BY underlying_symbol ORDER BY 1
            """),
        new("price_outlier", "stock_prices", DataQualityStatus.Fail, (double)options.MaxPriceJump, $"""
            WITH b AS (
                SELECT symbol, timestamp, close_price, lag(close_price) OVER (PARTITION BY symbol ORDER BY timestamp) AS previous
                FROM trading.stock_prices WHERE {Window}),
            o AS (
                SELECT symbol, timestamp, close_price, previous, CASE WHEN previous > 0 THEN abs(close_price / previous - 1) END AS jump
                FROM b WHERE close_price <= 0 OR (previous > 0 AND abs(close_price / previous - 1) > @max_jump::numeric))
            SELECT symbol::text, count(*), max(jump)::float8,
                   {Examples("'timestamp', timestamp, 'close', close_price, 'previous_close', previous, 'jump', jump", "timestamp")}
            FROM o GROUP BY symbol ORDER BY symbol
            """),
        new("negative_volume", "stock_prices", DataQualityStatus.Fail, 0, $"""
            SELECT symbol::text, count(*), min(volume)::float8, {Examples("'timestamp', timestamp, 'volume', volume", "timestamp")}
            FROM trading.stock_prices WHERE {Window} AND volume < 0
            GROUP BY symbol ORDER BY symbol
            """),
        new("negative_volume", "options_data", DataQualityStatus.Fail, 0, $"""
            SELECT underlying_symbol::text, count(*), least(min(volume), min(open_interest))::float8,
                   {Examples("'option_symbol', option_symbol, 'timestamp', timestamp, 'volume', volume, 'open_interest', open_interest", "timestamp, option_symbol")}
            FROM trading.options_data WHERE {Window} AND (volume < 0 OR open_interest < 0)
            GROUP BY underlying_symbol ORDER BY 1
            """),
        new("absurd_volume", "stock_prices", DataQualityStatus.Fail, options.MaxStockVolume, $"""
            SELECT symbol::text, count(*), max(volume)::float8, {Examples("'timestamp', timestamp, 'volume', volume", "timestamp")}
            FROM trading.stock_prices WHERE {Window} AND volume > @max_stock_volume::bigint
            GROUP BY symbol ORDER BY symbol
            """),
        new("absurd_volume", "options_data", DataQualityStatus.Fail, options.MaxOptionVolume, $"""
            SELECT underlying_symbol::text, count(*), max(volume)::float8,
                   {Examples("'option_symbol', option_symbol, 'timestamp', timestamp, 'volume', volume", "timestamp, option_symbol")}
            FROM trading.options_data WHERE {Window} AND volume > @max_option_volume::bigint
            GROUP BY underlying_symbol ORDER BY 1
            """),
        new("implied_volatility_range", "options_data", DataQualityStatus.Fail, (double)options.MaxImpliedVolatility, $"""
            SELECT underlying_symbol::text, count(*), max(implied_volatility)::float8,
                   {Examples("'option_symbol', option_symbol, 'timestamp', timestamp, 'implied_volatility', implied_volatility", "timestamp, option_symbol")}
            FROM trading.options_data
            WHERE {Window} AND (implied_volatility <= @min_iv::numeric OR implied_volatility > @max_iv::numeric)
            GROUP BY underlying_symbol ORDER BY 1
            """),
    ];
}
