using System.Globalization;
using Microsoft.Extensions.Options;
using NodaTime;
using Trading.Timescale;
using Trading.Timescale.Queries;

namespace WorkerService;

/// <summary>
/// The second hosted service: it subscribes to the bars of its own feed as they complete (<c>Live.Bars</c>, woken by the
/// database's notify triggers) and logs each RSI-14 extreme: at or above 70 (overbought) or at or below 30 (oversold).
/// A server restart only pauses the subscription; it goes on from the last bar it yielded, so no bar is skipped or
/// judged twice.
/// </summary>
public sealed partial class RsiWatcher(TradingDatabase trading, IOptions<FeedOptions> options, ILogger<RsiWatcher> logger) : BackgroundService
{
    private static readonly TimescaleInterval OneMinute = BarInterval.OneMinute;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var bar in trading.Live.Bars(options.Value.Symbols, OneMinute, cancellationToken: stoppingToken))
            {
                // The library's RSI for this bar, with the warm-up bars before it read from the database.
                var rsi = await trading.Queries.Rsi(bar.Symbol, OneMinute, period: 14)
                    .Between(bar.Bucket, bar.Bucket + Duration.FromMinutes(1))
                    .ToListAsync(stoppingToken);
                if (rsi is [{ Rsi: { } value }] && (value >= 70 || value <= 30))
                {
                    LogExtreme(logger, bar.Symbol, value >= 70 ? "overbought" : "oversold", value.ToString("R", CultureInfo.InvariantCulture), bar.Bucket);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(3, LogLevel.Information, "RSI extreme: {Symbol} {Kind}, RSI-14 {Rsi} at the bar of {Bucket}")]
    private static partial void LogExtreme(ILogger logger, string symbol, string kind, string rsi, Instant bucket);
}
