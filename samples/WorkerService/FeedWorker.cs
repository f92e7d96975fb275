using Microsoft.Extensions.Options;
using NodaTime;
using Trading.Timescale;

namespace WorkerService;

/// <summary>
/// Appends one bar per symbol per simulated minute, one batch per <see cref="FeedOptions.Interval"/>. Stopping never
/// cancels a batch half-way: the batch in flight finishes (and is acknowledged) before the loop ends, so every
/// acknowledged row is in the database and nothing unacknowledged is.
/// </summary>
public sealed partial class FeedWorker(TradingDatabase trading, FeedLedger ledger, IOptions<FeedOptions> options, ILogger<FeedWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var feed = options.Value;
        var random = new Random(7);
        var prices = feed.Symbols.ToDictionary(s => s, _ => 100m + random.Next(0, 400));
        // Simulated minutes start at the current minute, so restarts against the same database never repeat a key.
        var minute = Instant.FromUnixTimeSeconds(SystemClock.Instance.GetCurrentInstant().ToUnixTimeSeconds() / 60 * 60);
        using var timer = new PeriodicTimer(feed.Interval);
        while (!stoppingToken.IsCancellationRequested)
        {
            var batch = feed.Symbols.Select(symbol => NextBar(symbol, minute, prices, random)).ToList();
            // Not the stopping token: a batch that started is finished, so what is acknowledged is what is stored.
            var result = await trading.Ingest.AppendAsync(batch, cancellationToken: CancellationToken.None);
            ledger.Acknowledge(result.RowsWritten);
            LogAcknowledged(logger, ledger.Batches, result.RowsWritten, ledger.Rows);
            minute += Duration.FromMinutes(1);
            try
            {
                await timer.WaitForNextTickAsync(stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    private static StockPrice NextBar(string symbol, Instant minute, Dictionary<string, decimal> prices, Random random)
    {
        var open = prices[symbol];
        var close = Math.Max(1m, Math.Round(open * (1m + (decimal)((random.NextDouble() - 0.5) * 0.004)), 2));
        prices[symbol] = close;
        return new StockPrice
        {
            Symbol = symbol,
            Timestamp = minute,
            OpenPrice = open,
            HighPrice = Math.Max(open, close) + 0.05m,
            LowPrice = Math.Min(open, close) - 0.05m,
            ClosePrice = close,
            Volume = random.Next(1_000, 50_000),
        };
    }

    [LoggerMessage(1, LogLevel.Information, "Acknowledged batch {Batch}: {Rows} rows ({Total} in all)")]
    private static partial void LogAcknowledged(ILogger logger, long batch, long rows, long total);
}
