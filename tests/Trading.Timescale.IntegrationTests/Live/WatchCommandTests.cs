using System.Globalization;
using System.Text.Json;
using NodaTime;
using Trading.Timescale.Cli;
using Trading.Timescale.IntegrationTests.Infrastructure;
using Trading.Timescale.IntegrationTests.Queries;

namespace Trading.Timescale.IntegrationTests.Live;

/// <summary><c>trading-timescale watch bars</c> and <c>watch signals</c>, run until cancelled as Ctrl+C does.</summary>
public sealed class WatchCommandTests(TimescaleServerFixture server) : QueryTest(server)
{
    [Fact]
    public async Task Watch_bars_prints_one_json_object_per_completed_bar_until_cancelled()
    {
        var (lines, finish) = Start(["watch", "bars", "AAA", "BBB", "--interval", "2m", "--json", "--connection", Database.ConnectionString]);
        await Task.Delay(1000, Ct);
        await Trading.Ingest.AppendAsync(LiveFeed.Minutes(["AAA", "BBB", "CCC"], 0, 5), cancellationToken: Ct);
        var output = await WaitForLinesAsync(lines, 4);
        var (exitCode, error) = await finish();

        Assert.True(exitCode == 0, error);
        var bars = output.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(4, bars.Count);
        Assert.All(bars, b => Assert.Equal(["symbol", "timestamp", "open", "high", "low", "close", "volume"], b.EnumerateObject().Select(p => p.Name)));
        Assert.Equal(
            ["AAA 2026-06-01T14:00:00Z", "AAA 2026-06-01T14:02:00Z", "BBB 2026-06-01T14:00:00Z", "BBB 2026-06-01T14:02:00Z"],
            bars.Select(b => b.GetProperty("symbol").GetString() + " " + b.GetProperty("timestamp").GetString()).Order(StringComparer.Ordinal));
        var expected = await Queries.Bars("AAA", TimescaleInterval.FromMinutes(2)).Between(LiveFeed.Start, LiveFeed.Start + Duration.FromMinutes(2)).ToListAsync(Ct);
        var first = bars.Single(b => b.GetProperty("symbol").GetString() == "AAA" && b.GetProperty("timestamp").GetString() == "2026-06-01T14:00:00Z");
        Assert.Equal(expected[0].Close, first.GetProperty("close").GetDecimal());
        Assert.Equal(expected[0].Volume, first.GetProperty("volume").GetInt64());
    }

    [Fact]
    public async Task Watch_signals_prints_one_line_per_signal_above_the_minimum_confidence()
    {
        var (lines, finish) = Start(["watch", "signals", "--min-confidence", "0.5", "--connection", Database.ConnectionString]);

        // The watch has its starting position once a session of it has read trading.signals (the newest row, then a page).
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while ((long)(await RowsAsync("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND query LIKE '%FROM trading.signals%'"))[0][0]! == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the watch did not read trading.signals within 30 s");
            await Task.Delay(50, Ct);
        }

        foreach (var (symbol, confidence) in new[] { ("AAA", 0.9m), ("BBB", 0.3m), ("CCC", 0.6m) })
        {
            await Trading.Ingest.WriteSignalAsync(
                new TradingSignal { Symbol = symbol, SignalType = SignalType.Sell, Confidence = confidence, Timestamp = SystemClock.Instance.GetCurrentInstant() }, Ct);
        }

        var output = await WaitForLinesAsync(lines, 2);
        var (exitCode, error) = await finish();

        Assert.True(exitCode == 0, error);
        Assert.Equal(2, output.Count);
        Assert.Contains(" AAA SELL confidence 0.9", output[0], StringComparison.Ordinal);
        Assert.Contains(" CCC SELL confidence 0.6", output[1], StringComparison.Ordinal);
    }

    /// <summary>Runs the command in the background; the returned function cancels it (Ctrl+C) and waits for its exit.</summary>
    private static (Func<List<string>> Lines, Func<Task<(int ExitCode, string Error)>> Finish) Start(string[] args)
    {
        var output = new StringWriter(CultureInfo.InvariantCulture);
        var synchronizedOutput = TextWriter.Synchronized(output);
        var error = new StringWriter(CultureInfo.InvariantCulture);
        var stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var run = Task.Run(() => CliApp.RunAsync(args, synchronizedOutput, error, stop.Token), TestContext.Current.CancellationToken);
        List<string> Lines()
        {
            lock (synchronizedOutput)
            {
                return [.. output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)];
            }
        }

        async Task<(int, string)> Finish()
        {
            await stop.CancelAsync();
            var exitCode = await run.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
            stop.Dispose();
            return (exitCode, error.ToString());
        }

        return (Lines, Finish);
    }

    private static async Task<List<string>> WaitForLinesAsync(Func<List<string>> lines, int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (lines().Count < count && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        await Task.Delay(500, TestContext.Current.CancellationToken);
        return lines();
    }
}
