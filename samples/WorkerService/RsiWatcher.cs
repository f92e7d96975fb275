using System.Globalization;
using Microsoft.Extensions.Options;
using NodaTime;
using Npgsql;
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
                if (await RsiOfAsync(bar, stoppingToken) is { } value && (value >= 70 || value <= 30))
                {
                    LogExtreme(logger, bar.Symbol, value >= 70 ? "overbought" : "oversold", value.ToString("R", CultureInfo.InvariantCulture), bar.Bucket);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>The library's RSI-14 of the bar (the warm-up bars before it read from the database), waiting out an unavailable database.</summary>
    private async Task<double?> RsiOfAsync(Bar bar, CancellationToken stoppingToken)
    {
        while (true)
        {
            try
            {
                var rsi = await trading.Queries.Rsi(bar.Symbol, OneMinute, period: 14)
                    .Between(bar.Bucket, bar.Bucket + Duration.FromMinutes(1))
                    .ToListAsync(stoppingToken);
                return rsi is [{ Rsi: { } value }] ? value : null;
            }
            catch (NpgsqlException ex) when (ex.IsTransient)
            {
                LogWaiting(logger, bar.Symbol, options.Value.RetryDelay.TotalSeconds, ex.Message);
                await Task.Delay(options.Value.RetryDelay, stoppingToken);
            }
        }
    }

    [LoggerMessage(4, LogLevel.Warning, "Database unavailable; the RSI of the {Symbol} bar is read again in {Seconds} s: {Error}")]
    private static partial void LogWaiting(ILogger logger, string symbol, double seconds, string error);

    [LoggerMessage(3, LogLevel.Information, "RSI extreme: {Symbol} {Kind}, RSI-14 {Rsi} at the bar of {Bucket}")]
    private static partial void LogExtreme(ILogger logger, string symbol, string kind, string rsi, Instant bucket);
}
