using System.Diagnostics;
using Trading.Timescale.Schema;

namespace Trading.Timescale.Benchmarks;

/// <summary>
/// RSI-14 for one symbol over one day of 5-minute bars, with 30 days of history (one raw row a minute):
/// <c>trading.calculate_rsi(symbol, 14, '5 minutes', day start, day end)</c>, the median of repeated calls.
/// </summary>
internal static class IndicatorBenchmarks
{
    private const string Symbol = "RSIB";

    public static async Task<RsiResult> MeasureRsiAsync(BenchmarkDatabase db, int calls = 60, CancellationToken cancellationToken = default)
    {
        await db.ExecuteAsync($"""
            INSERT INTO trading.stock_prices (symbol, timestamp, open_price, high_price, low_price, close_price, volume, vwap)
            SELECT '{Symbol}', t, p, p + 0.2, p - 0.2, p + 0.05, 100 + n % 50, p
            FROM generate_series(0, 30 * 24 * 60 - 1) AS n
            CROSS JOIN LATERAL (SELECT TIMESTAMPTZ '2026-01-05 00:00:00+00' + n * INTERVAL '1 minute' AS t) AS at
            CROSS JOIN LATERAL (SELECT round((150 + 5 * sin(n / 97.0) + (n % 13) * 0.03)::numeric, 4) AS p) AS price
            """, cancellationToken);
        if (db.ServerInfo.Edition == TimescaleEdition.Community)
        {
            // Every level in order, the lower one first, as the policies and maintenance leave them.
            await db.ExecuteAsync("CALL trading.refresh_aggregates('2026-01-01', '2026-02-10')", cancellationToken);
        }

        await db.ExecuteAsync("VACUUM ANALYZE trading.stock_prices", cancellationToken);

        await using var connection = await db.DataSource.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT count(rsi) FROM trading.calculate_rsi('{Symbol}', 14, '5 minutes', '2026-02-03 00:00:00+00', '2026-02-04 00:00:00+00')";
        await using var fullHistory = connection.CreateCommand();
        fullHistory.CommandText = $"SELECT count(rsi) FROM trading.calculate_rsi('{Symbol}', 14, '5 minutes')";

        long values = 0;
        async Task<double> TimeAsync(Npgsql.NpgsqlCommand query)
        {
            var watch = Stopwatch.StartNew();
            values = (long)(await query.ExecuteScalarAsync(cancellationToken))!;
            return watch.Elapsed.TotalMilliseconds;
        }

        for (var i = 0; i < 10; i++)
        {
            await TimeAsync(command);
        }

        var oneDay = new List<double>();
        for (var i = 0; i < calls; i++)
        {
            oneDay.Add(await TimeAsync(command));
        }

        if (values != 288)
        {
            throw new InvalidOperationException($"calculate_rsi returned {values} values for one day of 5-minute bars, not 288");
        }

        var full = new List<double>();
        for (var i = 0; i < 10; i++)
        {
            full.Add(await TimeAsync(fullHistory));
        }

        return new RsiResult(Math.Round(Median(oneDay), 2), Math.Round(Median(full), 2), (int)values);
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>Median milliseconds: one day with p_from/p_to, and the whole 30 days (the spec's call without a range).</summary>
    internal sealed record RsiResult(double OneDayMedianMs, double FullHistoryMedianMs, int Values);
}
