using System.Diagnostics;
using NodaTime;
using Trading.Timescale.Queries;

namespace Trading.Timescale.Benchmarks;

/// <summary>
/// Query timings for the quick benchmark, on the one-minute bars the refresh step left (aggregates materialized on the
/// community edition): 5-minute bars through the builder against the same bars aggregated from the raw rows, for one
/// symbol and for every symbol, and the option chain as of an instant for an underlying with 2,000 contracts and one day
/// of 5-minute quotes.
/// </summary>
internal static class QueryBenchmarks
{
    private const string RawBarsSql = """
        SELECT time_bucket(INTERVAL '5 minutes', timestamp) AS bucket, symbol,
               first(open_price, timestamp), max(high_price), min(low_price), last(close_price, timestamp),
               sum(volume)::BIGINT,
               sum(vwap * volume) FILTER (WHERE vwap IS NOT NULL) / NULLIF(sum(volume) FILTER (WHERE vwap IS NOT NULL), 0)
        FROM trading.stock_prices
        WHERE timestamp >= $1 AND timestamp < $2 AND ($3::TEXT IS NULL OR symbol = $3)
        GROUP BY 1, 2
        ORDER BY 1, 2
        """;

    public static async Task<QueryResult> MeasureAsync(BenchmarkDatabase db, int symbols, int days, int runs, Action<string> log)
    {
        var queries = new TradingQueries(db.DataSource);
        var from = Bars.Start;
        var to = Bars.Start + Duration.FromDays(days + 1);
        await db.ExecuteAsync("VACUUM ANALYZE trading.stock_prices");

        async Task<BarsResult> BarsAsync(string? symbol, int times, bool warmUp)
        {
            var builder = new List<double>();
            var raw = new List<double>();
            var ratios = new List<double>();
            long barCount = 0;
            var query = queries.Bars(BarInterval.FiveMinutes);
            if (symbol is not null)
            {
                query = query.ForSymbols(symbol);
            }

            for (var run = warmUp ? 0 : 1; run < times + 1; run++)
            {
                var watch = Stopwatch.StartNew();
                long count = 0;
                await foreach (var bar in query.Between(from, to))
                {
                    count++;
                }

                var builderMs = watch.Elapsed.TotalMilliseconds;
                watch.Restart();
                var rawCount = await CountAsync(db, RawBarsSql, from, to, symbol);
                var rawMs = watch.Elapsed.TotalMilliseconds;
                if (rawCount != count || count == 0)
                {
                    throw new InvalidOperationException($"The builder returned {count} bars, the raw aggregation {rawCount}.");
                }

                barCount = count;
                if (run > 0)
                {
                    builder.Add(builderMs);
                    raw.Add(rawMs);
                    ratios.Add(rawMs / builderMs);
                }
            }

            return new BarsResult(symbol is null ? symbols : 1, days, barCount, Math.Round(Median(builder), 2), Math.Round(Median(raw), 1),
                Math.Round(Median(ratios), 2), times);
        }

        log($"bars: builder vs raw aggregation, one symbol, {days} days of 5-minute bars");
        var oneSymbol = await BarsAsync("SYM0007", Math.Max(runs, 5) * 3, warmUp: true);
        log($"bars: builder vs raw aggregation, {symbols} symbols, {days} days of 5-minute bars");
        // Each raw aggregation of every symbol reads all 5.85 million rows: one run per three of --runs, no warm-up.
        var allSymbols = await BarsAsync(null, Math.Max(1, runs / 3), warmUp: false);

        log("options chain: 2,000 contracts, one day of 5-minute quotes");
        await db.ExecuteAsync("TRUNCATE trading.options_data");
        await db.ExecuteAsync("""
            INSERT INTO trading.options_data (underlying_symbol, option_symbol, timestamp, expiration_date, strike_price, option_type,
                                              bid_price, ask_price, last_price, volume, open_interest, implied_volatility, delta)
            SELECT 'BENCH', format('BENCH%s%s%s', e, CASE WHEN c % 2 = 0 THEN 'C' ELSE 'P' END, lpad((c / 2)::text, 6, '0')),
                   t, DATE '2026-03-20' + (e * 7), 50 + (c / 2) * 0.5, CASE WHEN c % 2 = 0 THEN 'CALL' ELSE 'PUT' END,
                   1.00, 1.10, 1.05, (c * 7 + s) % 500, 1000 + c, 0.20 + (c % 50) * 0.001, 0.5
            FROM generate_series(0, 9) AS e,
                 generate_series(0, 199) AS c,
                 generate_series(0, 77) AS s,
                 LATERAL (SELECT TIMESTAMPTZ '2026-03-02 14:30:00+00' + s * INTERVAL '5 minutes') AS q(t)
            """);
        await db.ExecuteAsync("VACUUM ANALYZE trading.options_data");
        var asOf = Instant.FromUtc(2026, 3, 2, 18, 0);
        var chain = queries.OptionChain("BENCH").AsOf(asOf);
        var chainMs = new List<double>();
        var contracts = 0;
        for (var run = 0; run < 3 + (runs * 3); run++)
        {
            var watch = Stopwatch.StartNew();
            var quotes = await chain.ToListAsync();
            if (run >= 3)
            {
                chainMs.Add(watch.Elapsed.TotalMilliseconds);
            }

            contracts = quotes.Count;
        }

        if (contracts != 2000)
        {
            throw new InvalidOperationException($"The chain returned {contracts} contracts, not 2000.");
        }

        return new QueryResult(
            new BarsPair(oneSymbol, allSymbols, "median of per-run raw/builder ratios (one symbol after a warm-up run); on the apache edition stock_prices_5m is a view over the raw rows"),
            new ChainResult(contracts, 2000 * 78, Math.Round(Median(chainMs), 2), chainMs.Count));
    }

    private static async Task<long> CountAsync(BenchmarkDatabase db, string sql, Instant from, Instant to, string? symbol)
    {
        await using var command = db.DataSource.CreateCommand(sql);
        command.CommandTimeout = 0;
        command.Parameters.Add(new Npgsql.NpgsqlParameter<Instant> { TypedValue = from });
        command.Parameters.Add(new Npgsql.NpgsqlParameter<Instant> { TypedValue = to });
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = (object?)symbol ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        await using var reader = await command.ExecuteReaderAsync();
        long count = 0;
        while (await reader.ReadAsync())
        {
            count++;
        }

        return count;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>Bars through the builder (from the aggregate) against the raw aggregation: medians in milliseconds.</summary>
    internal sealed record BarsResult(int symbols, int days, long bars, double builderMs, double rawAggregationMs, double speedup, int runs);

    /// <summary>The bar timings for one symbol and for every symbol.</summary>
    internal sealed record BarsPair(BarsResult oneSymbol, BarsResult allSymbols, string statistic);

    /// <summary>The option chain as of an instant.</summary>
    internal sealed record ChainResult(int contracts, int quotes, double medianMs, int samples);

    /// <summary>The query timings.</summary>
    internal sealed record QueryResult(BarsPair bars, ChainResult optionChain);
}
