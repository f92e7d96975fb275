using System.Diagnostics;
using System.Text.Json;
using NodaTime;
using Trading.Timescale.Queries;
using Trading.Timescale.Schema;

namespace Trading.Timescale.Benchmarks;

/// <summary>
/// <c>screen.ms</c>: <c>Queries.Screen(5 minutes)</c> over every symbol (500), as of the end of 30 days of regular-hours
/// bars (78 five-minute bars a day; on the community edition read from the materialized <c>stock_prices_5m</c>), the
/// median milliseconds of repeated calls through the builder, rows read included.
/// </summary>
internal static class ScreenBenchmarks
{
    public static async Task<ScreenResult> MeasureAsync(BenchmarkDatabase db, int symbols, int days, Action<string> log, int calls = 15, int warmUps = 3)
    {
        var asOf = Bars.Start + Duration.FromDays(days - 1) + Duration.FromMinutes(390);
        var screen = new TradingQueries(db.DataSource).Screen(BarInterval.FiveMinutes).AsOf(asOf);
        IReadOnlyList<ScreenRow> rows = [];
        var times = new List<double>();
        for (var i = 0; i < calls + warmUps; i++)
        {
            var watch = Stopwatch.StartNew();
            rows = await screen.ToListAsync();
            if (i >= warmUps)
            {
                times.Add(watch.Elapsed.TotalMilliseconds);
            }
        }

        var complete = rows.Count(r => r.Rsi14 is not null && r.Atr14 is not null && r.Sma50 is not null && r.PercentB is not null);
        if (rows.Count != symbols || complete != symbols || rows.Any(r => r.Timestamp != asOf - Duration.FromMinutes(5)))
        {
            throw new InvalidOperationException($"The screen returned {rows.Count} rows ({complete} with every indicator) for {symbols} symbols, not one each for the bar before {asOf}.");
        }

        var sorted = times.Order().ToArray();
        var result = new ScreenResult(symbols, days, "5 minutes", calls, Math.Round(Median(sorted), 1), Math.Round(sorted[0], 1), Math.Round(sorted[^1], 1));
        log($"screen: {symbols} symbols, 5-minute bars, {days} days: median {result.ms} ms (min {result.minMs}, max {result.maxMs}) over {calls} calls");
        return result;
    }

    /// <summary>
    /// <c>screen</c>: only this part, on a fresh database holding <c>--symbols</c> x <c>--days</c> of regular-hours
    /// five-minute rows (aggregates materialized on the community edition), printed as one JSON object: first without
    /// screen state (<c>computed</c>: every symbol computed from its bars), then after
    /// <c>trading.refresh_screen_state</c> (<c>screen</c>, the measured target).
    /// </summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var symbols = QuickBenchmark.Option(args, "--symbols", 500);
        var days = QuickBenchmark.Option(args, "--days", 30);
        var calls = QuickBenchmark.Option(args, "--calls", 15);
        var total = Stopwatch.StartNew();
        await using var db = await BenchmarkDatabase.CreateAsync();
        var community = db.ServerInfo.Edition == TimescaleEdition.Community;
        if (community)
        {
            await RefreshBenchmarks.PauseJobsAsync(db);
        }

        var log = QuickBenchmark.Log;
        log($"screen: copying {symbols} symbols x {days} days of five-minute rows on {db.ServerInfo}");
        await Baselines.RawCopyAsync(db.DataSource, Bars.TradingDays(days, symbols, Duration.FromMinutes(5)));
        if (community)
        {
            await db.ExecuteAsync("CALL trading.refresh_aggregates(NULL, NULL, ARRAY['stock_prices_1m', 'stock_prices_5m'])");
        }

        await db.ExecuteAsync("VACUUM ANALYZE trading.stock_prices");
        var computed = await MeasureAsync(db, symbols, days, log, calls);
        var refresh = Stopwatch.StartNew();
        await db.ExecuteAsync("CALL trading.refresh_screen_state(ARRAY['5 minutes'])");
        var refreshSeconds = Math.Round(refresh.Elapsed.TotalSeconds, 1);
        log($"screen: trading.refresh_screen_state(5 minutes) from nothing in {refreshSeconds} s");
        await db.ExecuteAsync("VACUUM ANALYZE trading.screen_states");
        var screen = await MeasureAsync(db, symbols, days, log, calls);
        var info = db.ServerInfo;
        Console.WriteLine(JsonSerializer.Serialize(
            new
            {
                benchmark = "Trading.Timescale screen benchmark",
                command = "dotnet run -c Release --project benchmarks/Trading.Timescale.Benchmarks -- screen",
                edition = info.Edition.ToString().ToLowerInvariant(),
                timescaleVersion = info.TimescaleVersion,
                server = new { postgres = info.ServerVersion },
                machine = new { cores = Environment.ProcessorCount },
                screen,
                computed = new { computed.ms, computed.minMs, computed.maxMs },
                stateRefreshSeconds = refreshSeconds,
                targets = new { screenMs = new { target = 100.0, met = screen.ms < 100 } },
                elapsedSeconds = Math.Round(total.Elapsed.TotalSeconds),
            },
            new JsonSerializerOptions { WriteIndented = true }));
        return 0;
    }

    private static double Median(double[] sorted) =>
        sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;

    /// <summary>Milliseconds per screen call: the median, the fastest and the slowest.</summary>
    internal sealed record ScreenResult(int symbols, int days, string interval, int calls, double ms, double minMs, double maxMs);
}
