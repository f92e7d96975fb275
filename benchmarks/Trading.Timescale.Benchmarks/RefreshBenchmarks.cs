using System.Diagnostics;
using System.Globalization;
using NodaTime;
using Trading.Timescale.Schema;

namespace Trading.Timescale.Benchmarks;

/// <summary>
/// <c>refresh</c>: a fresh database receives <c>symbols</c> x <c>days</c> of one-minute bars (390 a day) by binary COPY,
/// timed as the baseline. On the community edition it then measures, with every TimescaleDB job of the database paused
/// (<c>alter_job(scheduled => false)</c>), so that no policy refreshes behind the measurement:
/// the materialization of all six aggregates from nothing (what <c>trading.refresh_aggregates(NULL, NULL)</c> does
/// on an install over existing history), the refresh of the policies' windows after one more minute arrives for every
/// symbol, and the refresh after a late correction of one old day. The read benchmarks run on this database afterwards.
/// </summary>
internal static class RefreshBenchmarks
{
    public static async Task<RefreshResult> MeasureAsync(BenchmarkDatabase db, int symbols, int days, int runs, Action<string> log)
    {
        var community = db.ServerInfo.Edition == TimescaleEdition.Community;
        if (community)
        {
            await PauseJobsAsync(db);
        }

        var perDay = 390 * symbols;
        var rows = (long)perDay * days;
        log($"refresh: copying {rows:N0} one-minute bars ({symbols} symbols, {days} days)");
        await db.ExecuteAsync("CHECKPOINT");
        var watch = Stopwatch.StartNew();
        await Baselines.RawCopyAsync(db.DataSource, Bars.TradingDays(days, symbols, Duration.FromMinutes(1)));
        var copySeconds = watch.Elapsed.TotalSeconds;
        await db.ExecuteAsync("VACUUM ANALYZE trading.stock_prices");
        var copyRate = rows / copySeconds;
        if (!community)
        {
            return new RefreshResult(rows, Math.Round(copySeconds, 1), Math.Round(copyRate), null, null, null);
        }

        log("refresh: materializing every aggregate from nothing, one-row inserts running alongside");
        await db.ExecuteAsync("CHECKPOINT");
        using var stopProbe = new CancellationTokenSource();
        var probe = IngestProbeAsync(db, stopProbe.Token);
        var materialize = await TimeRefreshAsync(db, null, null);
        await stopProbe.CancelAsync();
        var probeResult = await probe;
        await db.ExecuteAsync("DELETE FROM trading.stock_prices WHERE symbol = 'PROBE'");
        var materializeRate = rows / materialize.Seconds;
        log($"refresh: COPY {copyRate:F0} rows/s; materialized in {materialize.Seconds:F1} s, {materializeRate:F0} raw rows/s ({string.Join(", ", materialize.PerAggregate.Select(p => $"{p.Key} {p.Value} s"))}); inserts alongside: median {probeResult.medianMs} ms, max {probeResult.maxMs} ms");
        var materialized = await db.ScalarAsync<long>("SELECT count(*) FROM trading.stock_prices_1m WHERE symbol <> 'PROBE'");
        if (materialized != rows)
        {
            throw new InvalidOperationException($"stock_prices_1m holds {materialized} bars after the refresh, not {rows}.");
        }

        // The policies' windows end `end_offset` before now; "now" is one minute after the newest bar, as it is for the
        // policy of stock_prices_1m when that bar has just arrived.
        var last = Bars.Start + Duration.FromDays(days - 1) + Duration.FromMinutes(389);
        var steady = new List<double>();
        var steadyRuns = new List<Dictionary<string, double>>();
        for (var run = 1; run <= runs; run++)
        {
            var minute = last + Duration.FromMinutes(run);
            await db.ExecuteAsync(string.Create(CultureInfo.InvariantCulture, $"""
                INSERT INTO trading.stock_prices (symbol, timestamp, open_price, high_price, low_price, close_price, volume, vwap)
                SELECT 'SYM' || lpad(s::text, 4, '0'), TIMESTAMPTZ '{minute:uuuu'-'MM'-'dd'T'HH':'mm':'ss'Z'}', 50, 50.3, 49.9, 50.1, 1000 + s, 50.05
                FROM generate_series(0, {symbols - 1}) AS s
                """));
            var policies = await TimePolicyWindowsAsync(db, minute + Duration.FromMinutes(2));
            steady.Add(policies.Seconds);
            log($"refresh: policy windows after one more minute: {policies.Seconds:F3} s ({string.Join(", ", policies.PerAggregate.Select(p => $"{p.Key} {p.Value} s"))})");
            steadyRuns.Add(policies.PerAggregate);
        }

        var newBars = await db.ScalarAsync<long>(string.Create(CultureInfo.InvariantCulture,
            $"SELECT count(*) FROM trading.stock_prices_1m WHERE bucket > TIMESTAMPTZ '{last:uuuu'-'MM'-'dd'T'HH':'mm':'ss'Z'}'"));
        if (newBars != (long)symbols * runs)
        {
            throw new InvalidOperationException($"After the policy windows stock_prices_1m holds {newBars} new bars, not {symbols * runs}.");
        }

        // A late correction: every bar of the fourth day changes, then that day is refreshed at every level.
        var day = Bars.Start + Duration.FromDays(3) - Duration.FromMinutes(870);
        var dayText = day.ToString("uuuu'-'MM'-'dd'T'HH':'mm':'ss'Z'", CultureInfo.InvariantCulture);
        log($"refresh: a late correction of {perDay:N0} bars on {dayText[..10]}");
        await db.ExecuteAsync($"UPDATE trading.stock_prices SET close_price = close_price + 0.01 WHERE timestamp >= TIMESTAMPTZ '{dayText}' AND timestamp < TIMESTAMPTZ '{dayText}' + INTERVAL '1 day'");
        var correction = await TimeRefreshAsync(db, day - Duration.FromDays(1), day + Duration.FromDays(2));
        log($"refresh: after the correction {correction.Seconds:F2} s ({string.Join(", ", correction.PerAggregate.Select(p => $"{p.Key} {p.Value} s"))})");

        return new RefreshResult(
            rows,
            Math.Round(copySeconds, 1),
            Math.Round(copyRate),
            new MaterializeResult(Math.Round(materialize.Seconds, 1), Math.Round(materializeRate), Math.Round(materializeRate / copyRate, 3), materialize.PerAggregate, probeResult),
            new SteadyStateResult(symbols, runs, Math.Round(Median(steady), 3), steady.Select(s => Math.Round(s, 3)).ToArray(), steadyRuns[^1]),
            new CorrectionResult(perDay, Math.Round(correction.Seconds, 2), correction.PerAggregate));
    }

    /// <summary>Inserts one row a time (symbol PROBE, a year before the loaded bars) until cancelled, timing each insert.</summary>
    private static async Task<ProbeResult> IngestProbeAsync(BenchmarkDatabase db, CancellationToken stop)
    {
        var times = new List<double>();
        await using var connection = await db.DataSource.OpenConnectionAsync(CancellationToken.None);
        await using var insert = connection.CreateCommand();
        insert.CommandText = """
            INSERT INTO trading.stock_prices (symbol, timestamp, close_price, volume)
            VALUES ('PROBE', TIMESTAMPTZ '2025-06-02 15:00:00+00' + $1 * INTERVAL '1 second', 1, 1)
            """;
        var second = new Npgsql.NpgsqlParameter<int> { TypedValue = 0 };
        insert.Parameters.Add(second);
        while (!stop.IsCancellationRequested)
        {
            second.TypedValue++;
            var watch = Stopwatch.StartNew();
            await insert.ExecuteNonQueryAsync(CancellationToken.None);
            times.Add(watch.Elapsed.TotalMilliseconds);
            try
            {
                await Task.Delay(100, stop);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        return new ProbeResult(times.Count, Math.Round(Median(times), 2), Math.Round(times.Max(), 1));
    }

    /// <summary>Pauses every scheduled TimescaleDB job of the database (the trading policies among them).</summary>
    public static Task PauseJobsAsync(BenchmarkDatabase db) =>
        db.ExecuteAsync("SELECT alter_job(job_id, scheduled => false) FROM timescaledb_information.jobs WHERE scheduled");

    /// <summary>Refreshes every aggregate over one window, in dependency order, as trading.refresh_aggregates does, timing each.</summary>
    private static async Task<(double Seconds, Dictionary<string, double> PerAggregate)> TimeRefreshAsync(BenchmarkDatabase db, Instant? from, Instant? to)
    {
        var per = new Dictionary<string, double>();
        var total = Stopwatch.StartNew();
        foreach (var aggregate in Aggregates)
        {
            var watch = Stopwatch.StartNew();
            await db.ExecuteAsync($"CALL trading.refresh_aggregates({Literal(from)}, {Literal(to)}, ARRAY['{aggregate}'])");
            per[aggregate] = Math.Round(watch.Elapsed.TotalSeconds, 3);
        }

        return (total.Elapsed.TotalSeconds, per);
    }

    /// <summary>Refreshes each aggregate over its policy's window (offsets from trading.settings) as of <paramref name="now"/>.</summary>
    private static async Task<(double Seconds, Dictionary<string, double> PerAggregate)> TimePolicyWindowsAsync(BenchmarkDatabase db, Instant now)
    {
        var offsets = new Dictionary<string, string>();
        await using (var command = db.DataSource.CreateCommand("SELECT name, value FROM trading.settings WHERE name LIKE 'refresh\\_%\\_offset'"))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                offsets[reader.GetString(0)] = "INTERVAL '" + reader.GetString(1).Replace("'", "''", StringComparison.Ordinal) + "'";
            }
        }

        var per = new Dictionary<string, double>();
        var total = Stopwatch.StartNew();
        var nowText = Literal(now);
        foreach (var aggregate in Aggregates)
        {
            var watch = Stopwatch.StartNew();
            await db.ExecuteAsync($"""
                CALL refresh_continuous_aggregate('trading.{aggregate}',
                    {nowText} - {offsets[$"refresh_{aggregate}_start_offset"]}, {nowText} - {offsets[$"refresh_{aggregate}_end_offset"]})
                """);
            per[aggregate] = Math.Round(watch.Elapsed.TotalSeconds, 3);
        }

        return (total.Elapsed.TotalSeconds, per);
    }

    private static readonly string[] Aggregates =
        ["stock_prices_1m", "stock_prices_5m", "stock_prices_1h", "stock_prices_1d", "options_volume_1h", "signal_performance_1d"];

    private static string Literal(Instant? instant) => instant is { } value
        ? "TIMESTAMPTZ '" + value.ToString("uuuu'-'MM'-'dd'T'HH':'mm':'ss'Z'", CultureInfo.InvariantCulture) + "'"
        : "NULL";

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>Materialization of all six aggregates from nothing, against the COPY of the same rows.</summary>
    internal sealed record MaterializeResult(double seconds, double rawRowsPerSecond, double vsRawCopy, Dictionary<string, double> secondsPerAggregate, ProbeResult ingestAlongside);

    /// <summary>One-row inserts into stock_prices every 100 ms while the aggregates materialize: the slowest shows any lock ingestion waited for.</summary>
    internal sealed record ProbeResult(int inserts, double medianMs, double maxMs);

    /// <summary>The policies' windows after one more minute for every symbol (median over the runs, each a new minute).</summary>
    internal sealed record SteadyStateResult(int newBarsPerRun, int runs, double medianSeconds, double[] samples, Dictionary<string, double> lastRunSecondsPerAggregate);

    /// <summary>The refresh of every aggregate after one old day changed.</summary>
    internal sealed record CorrectionResult(long changedBars, double seconds, Dictionary<string, double> secondsPerAggregate);

    /// <summary>The refresh figures; null where the edition has no continuous aggregates.</summary>
    internal sealed record RefreshResult(
        long rows,
        double copySeconds,
        double copyRowsPerSecond,
        MaterializeResult? materialize,
        SteadyStateResult? steadyState,
        CorrectionResult? lateCorrection);
}
