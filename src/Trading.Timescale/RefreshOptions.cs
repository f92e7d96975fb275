namespace Trading.Timescale;

/// <summary>
/// Refresh policies of the continuous aggregates (<c>TradingTimescale:Refresh</c>, community edition). A value left
/// unset keeps the database's setting; a new database gets the default named on each property.
/// </summary>
public sealed class RefreshOptions
{
    /// <summary><c>stock_prices_1m</c>. Default: 3 hours to 1 minute ago, every minute.</summary>
    public RefreshPolicyOptions StockPrices1m { get; set; } = new();

    /// <summary><c>stock_prices_5m</c>. Default: 6 hours to 5 minutes ago, every 5 minutes.</summary>
    public RefreshPolicyOptions StockPrices5m { get; set; } = new();

    /// <summary><c>stock_prices_1h</c>. Default: 3 days to 1 hour ago, every 30 minutes.</summary>
    public RefreshPolicyOptions StockPrices1h { get; set; } = new();

    /// <summary><c>stock_prices_1d</c>. Default: 10 days to 1 hour ago, every hour.</summary>
    public RefreshPolicyOptions StockPrices1d { get; set; } = new();

    /// <summary><c>options_volume_1h</c>. Default: 3 days to 1 hour ago, every 30 minutes.</summary>
    public RefreshPolicyOptions OptionsVolume1h { get; set; } = new();

    /// <summary><c>signal_performance_1d</c>. Default: 10 days to 1 hour ago, every hour.</summary>
    public RefreshPolicyOptions SignalPerformance1d { get; set; } = new();
}
