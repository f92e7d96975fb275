namespace Trading.Timescale;

/// <summary>Refresh policies of the continuous aggregates (<c>TradingTimescale:Refresh</c>).</summary>
public sealed class RefreshOptions
{
    /// <summary><c>stock_prices_1m</c>: 3 hours to 1 minute ago, every minute.</summary>
    public RefreshPolicyOptions StockPrices1m { get; set; } = new(TimescaleInterval.FromHours(3), TimescaleInterval.FromMinutes(1), TimescaleInterval.FromMinutes(1));

    /// <summary><c>stock_prices_5m</c>: 6 hours to 5 minutes ago, every 5 minutes.</summary>
    public RefreshPolicyOptions StockPrices5m { get; set; } = new(TimescaleInterval.FromHours(6), TimescaleInterval.FromMinutes(5), TimescaleInterval.FromMinutes(5));

    /// <summary><c>stock_prices_1h</c>: 3 days to 1 hour ago, every 30 minutes.</summary>
    public RefreshPolicyOptions StockPrices1h { get; set; } = new(TimescaleInterval.FromDays(3), TimescaleInterval.FromHours(1), TimescaleInterval.FromMinutes(30));

    /// <summary><c>stock_prices_1d</c>: 10 days to 1 hour ago, every hour.</summary>
    public RefreshPolicyOptions StockPrices1d { get; set; } = new(TimescaleInterval.FromDays(10), TimescaleInterval.FromHours(1), TimescaleInterval.FromHours(1));

    /// <summary><c>options_volume_1h</c>: 3 days to 1 hour ago, every 30 minutes.</summary>
    public RefreshPolicyOptions OptionsVolume1h { get; set; } = new(TimescaleInterval.FromDays(3), TimescaleInterval.FromHours(1), TimescaleInterval.FromMinutes(30));

    /// <summary><c>signal_performance_1d</c>: 10 days to 1 hour ago, every hour.</summary>
    public RefreshPolicyOptions SignalPerformance1d { get; set; } = new(TimescaleInterval.FromDays(10), TimescaleInterval.FromHours(1), TimescaleInterval.FromHours(1));
}
