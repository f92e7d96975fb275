using Trading.Timescale.Queries.Internal;

namespace Trading.Timescale.Live.Internal;

/// <summary>
/// The statements of a bar subscription for one width. Bars are bucketed from <c>trading.stock_prices</c> as
/// <see cref="BarDefinition"/> defines them, widths of a day or more in the exchange time zone.
/// </summary>
internal sealed class BarSql
{
    /// <summary>The newest row of each named symbol ($1) and the server's clock.</summary>
    public const string LatestOf = """
        SELECT u."symbol", (SELECT s."timestamp" FROM trading.stock_prices s WHERE s."symbol" = u."symbol" ORDER BY s."timestamp" DESC LIMIT 1), clock_timestamp()
        FROM unnest($1::text[]) AS u("symbol")
        """;

    /// <summary>The newest row of every symbol and the server's clock.</summary>
    public const string LatestOfAll = """
        SELECT DISTINCT ON ("symbol") "symbol", "timestamp", clock_timestamp()
        FROM trading.stock_prices
        ORDER BY "symbol", "timestamp" DESC
        """;

    private BarSql(string page, string width)
    {
        Page = page;
        Width = width;
    }

    /// <summary>The width as interval text ($6 of <see cref="Page"/>).</summary>
    public string Width { get; }

    /// <summary>
    /// One page of bars per symbol: $1 the symbols, $2 a stored position each (the start of the last bar handled), $3
    /// the newest row at the start, $4 the end of the last bar yielded, $5 the most bars per symbol, $6 the width. The rows read start
    /// at $4, else after the bar of $2, else at the bar of $3, else at the symbol's first row. Each row also holds the bar's
    /// end, the symbol's newest row time and the server's clock, which say whether the bar is complete.
    /// </summary>
    public string Page { get; }

    public static BarSql For(TimescaleInterval interval)
    {
        const string width = "$6::interval";
        var exchangeDay = BarDefinition.IsExchangeDay(interval);
        string Bucket(string time) => BarDefinition.Bucket(width, time, exchangeDay);
        string End(string bucket) => exchangeDay
            ? $"((({bucket}) AT TIME ZONE {BarDefinition.ExchangeTimeZone} + {width}) AT TIME ZONE {BarDefinition.ExchangeTimeZone})"
            : $"({bucket} + {width})";
        var page = $"""
            WITH p AS (
                SELECT u."symbol", COALESCE(u."row_from", {End("u.\"after_bucket\"")}, {Bucket("u.\"start_at\"")}, '-infinity'::timestamptz) AS "row_from"
                FROM unnest($1::text[], $2::timestamptz[], $3::timestamptz[], $4::timestamptz[]) AS u("symbol", "after_bucket", "start_at", "row_from")
            )
            SELECT p."symbol", b."bucket", {End("b.\"bucket\"")}, b."open", b."high", b."low", b."close", b."volume", b."vwap", l."last_time", clock_timestamp()
            FROM p
            CROSS JOIN LATERAL (
                SELECT s."timestamp" AS "last_time" FROM trading.stock_prices s WHERE s."symbol" = p."symbol" ORDER BY s."timestamp" DESC LIMIT 1) l
            CROSS JOIN LATERAL (
                SELECT {Bucket("s.\"timestamp\"")} AS "first_bucket" FROM trading.stock_prices s
                WHERE s."symbol" = p."symbol" AND s."timestamp" >= p."row_from" ORDER BY s."timestamp" LIMIT 1) f
            CROSS JOIN LATERAL (
                SELECT {Bucket("s.\"timestamp\"")} AS "bucket",
                       {BarDefinition.Ohlcv("s.\"timestamp\"", raw: true, qualifier: "s.", indent: new string(' ', 23))}
                FROM trading.stock_prices s
                WHERE s."symbol" = p."symbol" AND s."timestamp" >= f."first_bucket"
                  AND s."timestamp" < {Bucket($"f.\"first_bucket\" + {width} * $5")}
                GROUP BY 1) b
            ORDER BY p."symbol", b."bucket"
            """;
        return new BarSql(page, interval.ToString());
    }
}
