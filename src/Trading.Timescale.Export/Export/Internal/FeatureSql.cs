using System.Globalization;
using NodaTime;
using Trading.Timescale.Queries.Internal;

namespace Trading.Timescale.Export;

/// <summary>
/// The feature-set query of one day: per symbol (parameter $1, in order) the bars of $2 (the width) starting in
/// [$3, $4), each indicator joined from its SQL function on the bar start, the option features at the bar's end and the
/// labels over the raw rows after it. $5 is the width as text for the indicator functions.
/// </summary>
internal static class FeatureSql
{
    public static IReadOnlyList<ExportColumn> Columns(ExportColumns catalog, FeatureSetExport request, string horizonName)
    {
        var columns = new List<ExportColumn>(catalog.Bars(request.Interval.ToString(), "trading.bars_by_width"));
        foreach (var indicator in request.Indicators)
        {
            foreach (var name in indicator.ColumnNames)
            {
                columns.Add(new ExportColumn(name, ExportColumnType.Double, true,
                    $"{indicator} by {Function(indicator)} over the bars up to and including this one; null during warm-up"));
            }
        }

        if (request.OptionsFeatures)
        {
            columns.Add(new("option_snapshot_at", ExportColumnType.Timestamp, true, "time of the newest option quotes of the underlying before the bar's end (bar start + interval)"));
            columns.Add(new("option_atm_iv", ExportColumnType.Double, true, "mean implied volatility of the call and put at the strike nearest the bar's close, nearest expiration on or after the bar's exchange date, from that snapshot"));
            columns.Add(new("option_put_call_volume_ratio", ExportColumnType.Double, true, "put volume / call volume over that snapshot; null when call volume is 0"));
            columns.Add(new("option_skew_25d", ExportColumnType.Double, true, "implied volatility of the put with delta nearest -0.25 minus the call with delta nearest 0.25, nearest expiration, from that snapshot"));
        }

        if (request.LabelHorizon is not null)
        {
            var threshold = (request.LabelThreshold * 100).ToString("0.####", CultureInfo.InvariantCulture);
            columns.Add(new($"label_forward_return_{horizonName}", ExportColumnType.Double, true,
                $"close of the newest raw row in [bar end, bar end + {horizonName}) / bar close - 1; null when there is none"));
            columns.Add(new($"label_first_hit_{horizonName}", ExportColumnType.String, true,
                $"target, stop or none: whether a raw row in [bar end, bar end + {horizonName}) reached high >= close x (1 + {threshold}%) or low <= close x (1 - {threshold}%) first, by the signal outcome rules (stop first when one row reaches both); null when no row has a close"));
        }

        return columns;
    }

    public static string Build(FeatureSetExport request)
    {
        var joins = new List<string>();
        var selects = new List<string>();
        var n = 0;
        foreach (var indicator in request.Indicators)
        {
            var alias = "f" + n++.ToString(CultureInfo.InvariantCulture);
            var p = indicator.Parameters.Select(v => v.ToString(CultureInfo.InvariantCulture)).ToArray();
            var (call, outputs) = indicator.Kind switch
            {
                "rsi" => ($"trading.calculate_rsi(s.symbol, {p[0]}, $5, $3, $4)", new[] { "rsi" }),
                "sma" => ($"trading.calculate_moving_average(s.symbol, {p[0]}, $5, $3, $4)", ["moving_average"]),
                "ema" => ($"trading.calculate_ema(s.symbol, {p[0]}, $5, $3, $4)", ["ema"]),
                "bollinger" => ($"trading.calculate_bollinger_bands(s.symbol, {p[0]}, {p[1]}, $5, $3, $4)", ["upper_band", "middle_band", "lower_band"]),
                "macd" => ($"trading.calculate_macd(s.symbol, {p[0]}, {p[1]}, {p[2]}, $5, $3, $4)", ["macd", "signal", "histogram"]),
                "atr" => ($"trading.calculate_atr(s.symbol, {p[0]}, $5, $3, $4)", ["atr"]),
                "vwap" => ("trading.calculate_vwap(s.symbol, $5, $3, $4)", ["vwap"]),
                _ => ($"trading.calculate_stochastic(s.symbol, {p[0]}, {p[1]}, $5, $3, $4)", ["percent_k", "percent_d"]),
            };
            joins.Add($"LEFT JOIN {call} AS {alias} ON {alias}.\"timestamp\" = b.bucket");
            selects.AddRange(outputs.Select((o, i) => $"{alias}.{o}::float8 AS {alias}_{i}"));
        }

        var inner = string.Join(",\n               ", selects.Prepend("b.bucket, b.open, b.high, b.low, b.close, b.volume, b.vwap"));
        var outer = "f.*";
        var laterals = string.Empty;
        const string barEnd = "(f.bucket + $2)";
        if (request.OptionsFeatures)
        {
            outer += ", o.snapshot_at, o.atm_iv, o.put_call_volume_ratio, o.skew_25d";
            laterals += $"""

                LEFT JOIN LATERAL (
                    WITH snap AS (
                        SELECT q.* FROM trading.options_data q
                        WHERE q.underlying_symbol = s.symbol
                          AND q."timestamp" = (SELECT max(r."timestamp") FROM trading.options_data r
                                               WHERE r.underlying_symbol = s.symbol AND r."timestamp" < {barEnd})
                    ), nearest AS (
                        SELECT min(expiration_date) AS expiration FROM snap
                        WHERE expiration_date >= ({barEnd} AT TIME ZONE trading.exchange_time_zone())::date
                    )
                    SELECT (SELECT max("timestamp") FROM snap) AS snapshot_at,
                           (SELECT avg(q.implied_volatility)::float8 FROM snap q
                            WHERE q.expiration_date = (SELECT expiration FROM nearest) AND q.implied_volatility IS NOT NULL
                              AND q.strike_price = (SELECT q2.strike_price FROM snap q2 WHERE q2.expiration_date = (SELECT expiration FROM nearest)
                                                    ORDER BY abs(q2.strike_price - f.close), q2.strike_price LIMIT 1)) AS atm_iv,
                           (SELECT (sum(volume) FILTER (WHERE option_type = 'PUT'))::float8
                                   / NULLIF(sum(volume) FILTER (WHERE option_type = 'CALL'), 0) FROM snap) AS put_call_volume_ratio,
                           ((SELECT q.implied_volatility FROM snap q
                             WHERE q.option_type = 'PUT' AND q.expiration_date = (SELECT expiration FROM nearest)
                               AND q.delta IS NOT NULL AND q.implied_volatility IS NOT NULL
                             ORDER BY abs(q.delta + 0.25), q.strike_price LIMIT 1)
                            - (SELECT q.implied_volatility FROM snap q
                               WHERE q.option_type = 'CALL' AND q.expiration_date = (SELECT expiration FROM nearest)
                                 AND q.delta IS NOT NULL AND q.implied_volatility IS NOT NULL
                               ORDER BY abs(q.delta - 0.25), q.strike_price LIMIT 1))::float8 AS skew_25d
                ) o ON true
                """;
        }

        if (request.LabelHorizon is not null)
        {
            // A bar holds rows before its end; the label window (anchor, anchor + horizon] with anchor one microsecond
            // before the end is [bar end, bar end + horizon): only rows after the bar.
            const string anchor = "((f.bucket + $2) - INTERVAL '1 microsecond')";
            outer += ", x.close_price AS exit_close, h.target_at, h.stop_at";
            var exit = SignalOutcomeRules.ExitSql("s.symbol", anchor, "$6");
            var levels = SignalOutcomeRules.LevelsSql("s.symbol", anchor, "$6", "p.\"high_price\" >= f.close * (1 + $7)", "p.\"low_price\" <= f.close * (1 - $7)");
            laterals += $"""

                LEFT JOIN LATERAL (
                {exit}
                ) x ON true
                LEFT JOIN LATERAL (
                {levels}
                ) h ON true
                """;
        }

        return $"""
            SELECT s.symbol, {outer}
            FROM unnest($1::text[]) WITH ORDINALITY AS s(symbol, n)
            CROSS JOIN LATERAL (
                SELECT {inner}
                FROM trading.bars_by_width(s.symbol, $2, $3, $4) AS b
                {string.Join("\n    ", joins)}
            ) AS f{laterals}
            ORDER BY s.n, f.bucket
            """;
    }

    public static string HorizonName(Duration horizon)
    {
        var seconds = (long)horizon.TotalSeconds;
        return seconds % 86_400 == 0 ? $"{seconds / 86_400}d"
            : seconds % 3_600 == 0 ? $"{seconds / 3_600}h"
            : seconds % 60 == 0 ? $"{seconds / 60}m"
            : $"{seconds}s";
    }

    private static string Function(FeatureIndicator indicator) => indicator.Kind switch
    {
        "sma" => "trading.calculate_moving_average",
        "bollinger" => "trading.calculate_bollinger_bands",
        _ => "trading.calculate_" + indicator.Kind,
    };
}
