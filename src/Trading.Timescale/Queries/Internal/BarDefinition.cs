using System.Globalization;
using System.Text;
using Trading.Timescale.Internal;

namespace Trading.Timescale.Queries.Internal;

/// <summary>
/// The one definition of a bar: which aggregate holds bars of a width (<see cref="AggregateCatalog"/>), the OHLCV
/// expressions that bucket raw rows (or finer bars), the range of rows a bucket needs, and the exchange-day rule.
/// <see cref="BarQuery"/> composes its statements from it, and <c>schema/repeatable/69_bars_by_width.sql</c> is generated from
/// it (<see cref="Script"/>; a unit test fails when the committed file differs).
/// </summary>
internal static class BarDefinition
{
    /// <summary>The exchange's time zone, evaluated once per statement.</summary>
    public const string ExchangeTimeZone = "(SELECT trading.exchange_time_zone())";

    /// <summary>Whether bars of this width follow the exchange's calendar: a day or more (<see cref="ExchangeDaySql"/> in SQL).</summary>
    public static bool IsExchangeDay(TimescaleInterval interval) =>
        interval.Months > 0 || interval.Days > 0 || interval.Microseconds >= 86_400_000_000L;

    /// <summary>The same rule as <see cref="IsExchangeDay"/> for an interval-valued SQL expression.</summary>
    public static string ExchangeDaySql(string width) => $"{width} >= INTERVAL '1 day'";

    /// <summary><c>time_bucket</c> of a width, in the exchange's zone for a day or more and in UTC otherwise.</summary>
    public static string Bucket(string width, string time, bool exchangeDay) =>
        exchangeDay ? $"time_bucket({width}, {time}, {ExchangeTimeZone})" : $"time_bucket({width}, {time})";

    /// <summary>
    /// The OHLCV columns of a bucket, from raw rows (<c>open_price</c>...) or from finer bars (<c>open</c>...):
    /// the first open and last close by time, the extremes, the summed volume and the volume-weighted vwap.
    /// </summary>
    /// <param name="time">The time column, qualified like the others.</param>
    /// <param name="raw">Whether the source is <c>trading.stock_prices</c> rather than finer bars.</param>
    /// <param name="qualifier">The source's alias and a dot (<c>s.</c>), or empty: PL/pgSQL needs qualified columns where
    /// they share a name with the function's output columns.</param>
    /// <param name="indent">What starts each continuation line.</param>
    public static string Ohlcv(string time, bool raw, string qualifier = "", string indent = "       ")
    {
        var (open, high, low, close) = raw
            ? ("\"open_price\"", "\"high_price\"", "\"low_price\"", "\"close_price\"")
            : ("\"open\"", "\"high\"", "\"low\"", "\"close\"");
        var q = qualifier;
        return $"first({q}{open}, {time}) AS \"open\", max({q}{high}) AS \"high\", min({q}{low}) AS \"low\", last({q}{close}, {time}) AS \"close\",\n"
            + $"{indent}sum({q}\"volume\")::BIGINT AS \"volume\",\n"
            + $"{indent}sum({q}\"vwap\" * {q}\"volume\") FILTER (WHERE {q}\"vwap\" IS NOT NULL) / NULLIF(sum({q}\"volume\") FILTER (WHERE {q}\"vwap\" IS NOT NULL), 0) AS \"vwap\"";
    }

    /// <summary>
    /// The rows a bar starting before <paramref name="to"/> may hold: up to one width later, plus a day for a
    /// calendar day that lasts 25 hours. Rows before a range's start belong to bars that start before it.
    /// </summary>
    public static string RawRowsBefore(string time, string to, string width) => $"{time} < {to} + {width} + INTERVAL '1 day'";

    /// <summary>The SQL of <c>schema/repeatable/69_bars_by_width.sql</c>.</summary>
    public static string Script()
    {
        var bars = AggregateCatalog.All.Where(a => a.Kind == AggregateKind.Bars).ToList();
        var sql = new StringBuilder();
        sql.Append("""
            -- Bars. Generated from Trading.Timescale.Queries.Internal.BarDefinition, the one definition of a bar that the C# bar
            -- builder and the live bar subscriptions use too: edit it there, then regenerate this file by running its tests
            -- (BarDefinitionTests) with TRADING_TIMESCALE_APPROVE=1.

            -- The aggregate holding bars of a width (a continuous aggregate on the community edition, a view on the apache
            -- edition), or NULL: bars of other widths are bucketed from trading.stock_prices.
            CREATE OR REPLACE FUNCTION trading.bar_aggregate(p_width INTERVAL)
            RETURNS TEXT
            LANGUAGE sql IMMUTABLE PARALLEL SAFE
            RETURN CASE p_width
            """);
        foreach (var aggregate in bars)
        {
            sql.Append(CultureInfo.InvariantCulture, $"\n    WHEN INTERVAL '{aggregate.Bucket.ToString()}' THEN '{aggregate.Name}'");
        }

        sql.Append("""

                END;
            SELECT trading.pin_search_path('trading.bar_aggregate(INTERVAL)');

            -- OHLCV bars of one symbol with bucket start in [p_from, p_to) (NULL: open), ordered by bucket. Widths with an
            -- aggregate read it; any other width buckets the raw rows, a day or more in the exchange's time zone.
            CREATE OR REPLACE FUNCTION trading.bars_by_width(p_symbol TEXT, p_width INTERVAL, p_from TIMESTAMPTZ, p_to TIMESTAMPTZ)
            RETURNS TABLE (bucket TIMESTAMPTZ, symbol TEXT, open NUMERIC, high NUMERIC, low NUMERIC, close NUMERIC, volume BIGINT, vwap NUMERIC)
            LANGUAGE plpgsql STABLE AS $$
            DECLARE
                lower_bound CONSTANT TIMESTAMPTZ := COALESCE(p_from, '-infinity');
                upper_bound CONSTANT TIMESTAMPTZ := COALESCE(p_to, 'infinity');
            BEGIN
            """);
        var first = true;
        foreach (var aggregate in bars)
        {
            sql.Append(CultureInfo.InvariantCulture, $"""

                    {(first ? "IF" : "ELSIF")} p_width = INTERVAL '{aggregate.Bucket.ToString()}' THEN
                        RETURN QUERY SELECT a.bucket, a.symbol::TEXT, a.open, a.high, a.low, a.close, a.volume, a.vwap
                            FROM {aggregate.QualifiedName} AS a
                            WHERE a.symbol = p_symbol AND a.bucket >= lower_bound AND a.bucket < upper_bound ORDER BY a.bucket;
                """);
            first = false;
        }

        sql.Append(CultureInfo.InvariantCulture, $"""

                ELSIF {ExchangeDaySql("p_width")} THEN
                    RETURN QUERY {RawBars(exchangeDay: true)};
                ELSE
                    RETURN QUERY {RawBars(exchangeDay: false)};
                END IF;
            END
            $$;

            -- Fixed search_path (time_bucket, first and last live in the timescaledb extension's schema) and generic plans: the
            -- time bounds exclude chunks at executor start-up without planning the hypertable again on every call.
            SELECT trading.pin_search_path('trading.bars_by_width(TEXT, INTERVAL, TIMESTAMPTZ, TIMESTAMPTZ)');
            ALTER FUNCTION trading.bars_by_width(TEXT, INTERVAL, TIMESTAMPTZ, TIMESTAMPTZ) SET plan_cache_mode = force_generic_plan;

            """);
        return sql.ToString();
    }

    private static string RawBars(bool exchangeDay) => $"""
        SELECT b.* FROM (
                    SELECT {Bucket("p_width", "s.\"timestamp\"", exchangeDay)} AS "bucket", s."symbol"::TEXT AS "symbol",
                           {Ohlcv("s.\"timestamp\"", raw: true, qualifier: "s.", indent: new string(' ', 19))}
                    FROM trading.stock_prices AS s
                    WHERE s."symbol" = p_symbol AND s."timestamp" >= lower_bound AND {RawRowsBefore("s.\"timestamp\"", "upper_bound", "p_width")}
                    GROUP BY 1, 2) AS b
                WHERE b."bucket" >= lower_bound AND b."bucket" < upper_bound ORDER BY b."bucket"
        """;
}
