using Microsoft.Extensions.Options;
using NodaTime;
using Trading.Timescale;
using Trading.Timescale.Ingest;

namespace WorkerService;

/// <summary>
/// Appends one bar per symbol per simulated minute, one batch per <see cref="FeedOptions.Interval"/>. Stopping never
/// cancels a batch half-way: the batch in flight finishes (and is acknowledged) before the loop ends, so every
/// acknowledged row is in the database and nothing unacknowledged is.
/// <para>
/// When the database goes away (a restart, a failover), the library retries each write within
/// <c>TradingTimescale:Retry</c>; past that budget the feed keeps the batch, waits <see cref="FeedOptions.RetryDelay"/>
/// and writes it again, as an upsert, so a batch whose COMMIT was cut is stored once. No new batch is made meanwhile.
/// </para>
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
            if (await WriteAsync(batch, feed, stoppingToken) is not { } result)
            {
                break;
            }

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

    /// <summary>Writes the batch, waiting out an unavailable database; <see langword="null"/> when stopped while waiting.</summary>
    private async Task<IngestResult?> WriteAsync(List<StockPrice> batch, FeedOptions feed, CancellationToken stoppingToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                // Not the stopping token: a write that started is finished, so what is acknowledged is what is stored.
                return attempt == 1
                    ? await trading.Ingest.AppendAsync(batch, cancellationToken: CancellationToken.None)
                    : await trading.Ingest.UpsertAsync(batch, cancellationToken: CancellationToken.None);
            }
            catch (TradingIngestException ex) when (ex.IsTransient)
            {
                LogWaiting(logger, batch.Count, feed.RetryDelay.TotalSeconds, ex.Message);
            }

            try
            {
                await Task.Delay(feed.RetryDelay, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return null;
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

    [LoggerMessage(2, LogLevel.Warning, "Database unavailable; the feed waits with a batch of {Rows} rows and writes it again in {Seconds} s: {Error}")]
    private static partial void LogWaiting(ILogger logger, int rows, double seconds, string error);

    [LoggerMessage(1, LogLevel.Information, "Acknowledged batch {Batch}: {Rows} rows ({Total} in all)")]
    private static partial void LogAcknowledged(ILogger logger, long batch, long rows, long total);
}
