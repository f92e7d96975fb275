using System.Diagnostics;
using System.Threading.Channels;
using NodaTime;
using Trading.Timescale.Ingest;
using Trading.Timescale.Live;

namespace Trading.Timescale.Benchmarks;

/// <summary>
/// <c>live</c>: the latency from an append to a subscriber receiving the bar or signal it completes
/// (<c>live.latencyMs</c>), and the cost of the notify triggers on append throughput, measured next to the same append
/// with the triggers disabled (alternating which goes first).
/// </summary>
internal static class LiveBenchmarks
{
    public static async Task<LiveResult> MeasureAsync(BenchmarkDatabase db, TradingIngest ingest, StockPrice[] data, int runs, int samples, Action<string> log)
    {
        log($"live: latency of {samples} bars and {samples} signals");
        await db.ResetAsync();
        var live = new TradingLive(db.DataSource);
        var bars = await LatencyAsync(
            live.Bars(["LIVE"], TimescaleInterval.FromMinutes(1)),
            samples,
            i => ingest.AppendAsync(
                [new StockPrice { Symbol = "LIVE", Timestamp = Bars.Start + Duration.FromMinutes(i), OpenPrice = 100, HighPrice = 101, LowPrice = 99, ClosePrice = 100.5m, Volume = 1000 }]));
        var signals = await LatencyAsync(
            live.Signals(),
            samples,
            i => ingest.WriteSignalAsync(new TradingSignal { Symbol = "LIVE", SignalType = SignalType.Buy, Confidence = 0.9m, Timestamp = Bars.Start + Duration.FromMinutes(i) }));
        var all = bars.Concat(signals).ToList();

        // Append throughput with and without the triggers, each append into empty tables. A run is four appends in
        // the order with, without, without, with (or the reverse), so a drift of the machine's speed during the run
        // cancels out of its ratio; the figure is the median of the runs' ratios.
        log($"live: append of {data.Length} rows with and without the notify triggers, {runs} runs of four appends");
        var with = new List<double>();
        var without = new List<double>();
        var ratios = new List<double>();
        for (var run = 0; run < runs; run++)
        {
            var seconds = new double[2];
            var order = run % 2 == 0 ? new[] { true, false, false, true } : [false, true, true, false];
            foreach (var triggers in order)
            {
                await db.ResetAsync();
                await SetTriggersAsync(db, triggers);
                var watch = Stopwatch.StartNew();
                await ingest.AppendAsync(data);
                var elapsed = watch.Elapsed.TotalSeconds;
                seconds[triggers ? 0 : 1] += elapsed;
                (triggers ? with : without).Add(data.Length / elapsed);
            }

            await SetTriggersAsync(db, enabled: true);
            ratios.Add(seconds[1] / seconds[0]);
        }

        // Late rows: the same append when the screen state's horizon lies after every row, so the row trigger records
        // each one (a backfill of history after a refresh). Reported, no target.
        await db.ResetAsync();
        await SetTriggersAsync(db, enabled: true, watchedTo: Bars.Start + Duration.FromDays(3650));
        var lateWatch = Stopwatch.StartNew();
        await ingest.AppendAsync(data);
        var lateRowsPerSecond = Math.Round(data.Length / lateWatch.Elapsed.TotalSeconds);
        await db.ResetAsync();
        await SetTriggersAsync(db, enabled: true);

        var ratio = Math.Round(Median(ratios), 3);
        log($"live: late rows (all before the screen state's horizon) {lateRowsPerSecond} rows/s");
        log($"live: latency p50 {Percentile(all, 0.5):F1} ms, p99 {Percentile(all, 0.99):F1} ms; append with triggers / without: {ratio}");
        return new LiveResult(
            new Latency(Round(Percentile(all, 0.5)), Round(Percentile(all, 0.99)), all.Count,
                new Part(Round(Percentile(bars, 0.5)), Round(Percentile(bars, 0.99))),
                new Part(Round(Percentile(signals, 0.5)), Round(Percentile(signals, 0.99))),
                "from the start of the append call (it includes the append's own round trips) to the subscriber's await foreach receiving the item"),
            new TriggerCost(Math.Round(Median(with)), Math.Round(Median(without)), ratio, Math.Round(1 - ratio, 3), [.. ratios.Select(r => Math.Round(r, 3))], lateRowsPerSecond),
            new Target(20, Percentile(all, 0.5) < 20),
            new Target(0.05, 1 - ratio <= 0.05));
    }

    /// <summary>Writes sample i (which completes the item before it for bars), waits until the subscriber has it, and records the time.</summary>
    private static async Task<List<double>> LatencyAsync<T>(IAsyncEnumerable<T> subscription, int samples, Func<int, Task> write)
    {
        using var stop = new CancellationTokenSource();
        var received = Channel.CreateUnbounded<long>();
        var reader = Task.Run(async () =>
        {
            try
            {
                await foreach (var _ in subscription.WithCancellation(stop.Token))
                {
                    received.Writer.TryWrite(Stopwatch.GetTimestamp());
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }
        });

        // Bars: the first row opens the first bar, each later row completes the one before. Two warm-up items.
        var latencies = new List<double>();
        await write(0);
        await Task.Delay(500);
        while (received.Reader.TryRead(out _))
        {
        }

        for (var i = 1; i <= samples + 2; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await write(i);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var at = await received.Reader.ReadAsync(timeout.Token);
            if (i > 2)
            {
                latencies.Add(Stopwatch.GetElapsedTime(started, at).TotalMilliseconds);
            }

            await Task.Delay(Random.Shared.Next(5, 25));
        }

        await stop.CancelAsync();
        await reader;
        return latencies;
    }

    /// <summary>
    /// Drops or creates the insert triggers of stock_prices (the notify trigger and the screen state's two), recreating
    /// them from the definitions the installer created (<c>pg_get_triggerdef</c>, read once); TimescaleDB before 2.27
    /// refuses ALTER TABLE ... DISABLE TRIGGER on a hypertable. The screen state is on (a refreshed 5-minute width
    /// watched up to the first row unless <paramref name="watchedTo"/> says otherwise), so each append pays what appends
    /// after a refresh pay: the statement trigger's lock and lookup, and the row trigger's comparison for every row.
    /// </summary>
    private static async Task SetTriggersAsync(BenchmarkDatabase db, bool enabled, Instant? watchedTo = null)
    {
        if (installedInsertTriggers is null)
        {
            var definitions = new List<(string Name, string Definition)>();
            await using var command = db.DataSource.CreateCommand("""
                SELECT t.tgname::text, pg_get_triggerdef(t.oid)
                FROM pg_trigger AS t
                WHERE t.tgrelid = 'trading.stock_prices'::regclass AND NOT t.tgisinternal
                  AND (t.tgtype & 4) <> 0 AND t.tgname IN ('live_notify_insert', 'screen_state_begin_insert', 'screen_state_insert')
                ORDER BY 1
                """);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                definitions.Add((reader.GetString(0), reader.GetString(1)));
            }

            if (definitions.Count != 3)
            {
                throw new InvalidOperationException($"Expected the three insert triggers of stock_prices, found {definitions.Count}.");
            }

            installedInsertTriggers = definitions;
        }

        foreach (var (name, _) in installedInsertTriggers)
        {
            await db.ExecuteAsync($"DROP TRIGGER IF EXISTS {name} ON trading.stock_prices");
        }

        await db.ExecuteAsync($"""
            INSERT INTO trading.screen_state_widths (width, watched_to) VALUES ('5 minutes', '{watchedTo ?? Bars.Start}')
            ON CONFLICT (width) DO UPDATE SET watched_to = excluded.watched_to
            """);
        if (enabled)
        {
            foreach (var (_, definition) in installedInsertTriggers)
            {
                await db.ExecuteAsync(definition);
            }
        }
    }

    private static List<(string Name, string Definition)>? installedInsertTriggers;

    private static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToArray();
        return sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
    }

    private static double Median(List<double> values) => Percentile(values, 0.5);

    private static double Round(double value) => Math.Round(value, 1);

    internal sealed record LiveResult(Latency latencyMs, TriggerCost triggerCost, Target latencyP50Target, Target triggerSlowdownTarget);

    internal sealed record Latency(double p50, double p99, int samples, Part bars, Part signals, string measured);

    internal sealed record Part(double p50, double p99);

    internal sealed record TriggerCost(double appendRowsPerSecondWithTriggers, double appendRowsPerSecondWithoutTriggers, double withVsWithout, double slowdown, double[] runRatios, double lateRowsPerSecondWithTriggers);

    internal sealed record Target(double target, bool met);
}
