using NodaTime;
using Trading.Timescale;
using Trading.Timescale.Live;
using Trading.Timescale.Queries;

namespace DocumentationExamples;

/// <summary>The samples of docs/live.md.</summary>
internal static class LivePage
{
    public static async Task SignalEngineAsync(TradingDatabase trading, CancellationToken ct)
    {
        // A signal engine: each 5-minute bar of every symbol as it closes, its RSI-14, and a signal at the extremes.
        await foreach (var bar in trading.Live.Bars(symbols: null, BarInterval.FiveMinutes, cancellationToken: ct))
        {
            var rsi = await trading.Queries.Rsi(bar.Symbol, BarInterval.FiveMinutes, period: 14)
                .Between(bar.Bucket, bar.Bucket + Duration.FromMinutes(5))
                .ToListAsync(ct);
            if (rsi is [{ Rsi: { } value }] && (value <= 30 || value >= 70))
            {
                await trading.Ingest.WriteSignalAsync(
                    new TradingSignal
                    {
                        Symbol = bar.Symbol,
                        SignalType = value <= 30 ? SignalType.Buy : SignalType.Sell,
                        Confidence = (decimal)Math.Abs(value - 50) / 50,
                        ModelVersion = "rsi-extremes-1",
                        Timestamp = bar.Bucket + Duration.FromMinutes(5),
                    },
                    ct);
            }
        }
    }

    public static async Task DashboardAsync(TradingDatabase trading, CancellationToken ct)
    {
        // A dashboard: each time a 5-minute bar of SPY closes, one screen over every symbol for RSI extremes.
        await foreach (var bar in trading.Live.Bars(["SPY"], BarInterval.FiveMinutes, cancellationToken: ct))
        {
            var screen = await trading.Queries.Screen(BarInterval.FiveMinutes).AsOf(bar.Bucket + Duration.FromMinutes(5)).ToListAsync(ct);
            var oversold = screen.Where(s => s.Rsi14 < 30).Select(s => s.Symbol);
            var overbought = screen.Where(s => s.Rsi14 > 70).Select(s => s.Symbol);
            Console.WriteLine($"{bar.Bucket}: oversold {string.Join(", ", oversold)}; overbought {string.Join(", ", overbought)}");
        }
    }

    public static async Task ExecutionAsync(TradingDatabase trading, PositionStore store, CancellationToken ct)
    {
        var filter = new LiveSignalFilter
        {
            MinimumConfidence = 0.6m,
            Types = [SignalType.Buy, SignalType.Sell],
            ModelVersion = "rsi-extremes-1",
            After = await store.LoadAsync(ct),                  // null the first time: from the moment it starts
        };
        await foreach (var signal in trading.Live.Signals(filter, ct))
        {
            Console.WriteLine($"{signal.Timestamp} {signal.Symbol} {signal.SignalType} {signal.Confidence}");
            await store.SaveAsync(LivePosition.Of(signal), ct);    // (timestamp, id): resume here after a restart
        }
    }

    public static async Task ChartAndEventsAsync(TradingDatabase trading, IReadOnlyDictionary<string, Instant> lastBars, CancellationToken ct)
    {
        var options = new LiveBarOptions
        {
            IncludePartial = true,                              // the forming bar, again each time it changes
            GracePeriod = Duration.FromSeconds(30),             // a bar with no later row is complete 30 s after its end
            After = lastBars,                                   // per symbol: the Bucket of the last bar the chart has
        };
        await foreach (var bar in trading.Live.Bars(["AAPL", "MSFT"], BarInterval.OneMinute, options, ct))
        {
            Console.WriteLine($"{bar.Symbol} {bar.Bucket} {bar.Close}");   // same Bucket again: replace the chart's last bar
        }

        await foreach (var systemEvent in trading.Live.Events(EventSeverity.Warning, cancellationToken: ct))
        {
            Console.WriteLine($"{systemEvent.Severity} {systemEvent.Source}: {systemEvent.Message}");
        }
    }

    /// <summary>Where an application keeps its subscription's position (a file, a table, a key-value store).</summary>
    public abstract class PositionStore
    {
        public abstract Task<LivePosition?> LoadAsync(CancellationToken ct);

        public abstract Task SaveAsync(LivePosition position, CancellationToken ct);
    }
}
