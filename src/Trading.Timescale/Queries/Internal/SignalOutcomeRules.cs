using NodaTime;

namespace Trading.Timescale.Queries.Internal;

/// <summary>
/// The outcome rules of <see cref="SignalOutcome"/> as SQL fragments and the first-hit decision, shared by the signal
/// outcome query and the export labels so both judge a price path the same way.
/// </summary>
internal static class SignalOutcomeRules
{
    /// <summary>A lateral subquery: the newest raw close of <paramref name="symbol"/> in (at, at + horizon], as "timestamp" and "close_price".</summary>
    public static string ExitSql(string symbol, string at, string horizon) => $"""
        SELECT p."timestamp", p."close_price" FROM trading.stock_prices p
        WHERE p."symbol" = {symbol} AND p."timestamp" > {at} AND p."timestamp" <= {at} + {horizon}
          AND p."close_price" IS NOT NULL
        ORDER BY p."timestamp" DESC LIMIT 1
        """;

    /// <summary>
    /// A lateral subquery: the first raw row of <paramref name="symbol"/> in (at, at + horizon] meeting each level
    /// condition (over the row alias <c>p</c>), as "target_at" and "stop_at".
    /// </summary>
    public static string LevelsSql(string symbol, string at, string horizon, string targetReached, string stopReached) => $"""
        SELECT min(p."timestamp") FILTER (WHERE {targetReached}) AS "target_at",
               min(p."timestamp") FILTER (WHERE {stopReached}) AS "stop_at"
        FROM trading.stock_prices p
        WHERE p."symbol" = {symbol} AND p."timestamp" > {at} AND p."timestamp" <= {at} + {horizon}
        """;

    /// <summary>The earlier level wins; when both are reached at the same row the stop counts first.</summary>
    public static (SignalHit Hit, Instant? At, bool SameBar) FirstHit(Instant? targetAt, Instant? stopAt) => (targetAt, stopAt) switch
    {
        (null, null) => (SignalHit.None, null, false),
        ({ } t, null) => (SignalHit.Target, t, false),
        (null, { } s) => (SignalHit.Stop, s, false),
        ({ } t, { } s) when t < s => (SignalHit.Target, t, false),
        ({ } t, { } s) => (SignalHit.Stop, s, t == s),
    };
}
