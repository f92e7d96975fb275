namespace Trading.Timescale;

/// <summary>How long each table keeps its rows (<c>TradingTimescale:Retention</c>).</summary>
public sealed class RetentionOptions
{
    /// <summary><c>stock_prices</c>, the raw tick data: 90 days.</summary>
    public TimescaleInterval StockPrices { get; set; } = TimescaleInterval.FromDays(90);

    /// <summary><c>options_data</c>: 60 days.</summary>
    public TimescaleInterval OptionsData { get; set; } = TimescaleInterval.FromDays(60);

    /// <summary><c>signals</c>: 1 year.</summary>
    public TimescaleInterval Signals { get; set; } = TimescaleInterval.FromYears(1);

    /// <summary><c>performance_metrics</c>: 2 years.</summary>
    public TimescaleInterval PerformanceMetrics { get; set; } = TimescaleInterval.FromYears(2);

    /// <summary><c>data_quality</c>: 90 days.</summary>
    public TimescaleInterval DataQuality { get; set; } = TimescaleInterval.FromDays(90);

    /// <summary><c>system_events</c> (non-critical events): 3 months.</summary>
    public TimescaleInterval SystemEvents { get; set; } = TimescaleInterval.FromMonths(3);

    /// <summary><c>system_events_critical</c>, the CRITICAL events: 2 years.</summary>
    public TimescaleInterval SystemEventsCritical { get; set; } = TimescaleInterval.FromYears(2);
}
