namespace Trading.Timescale;

/// <summary>Chunk intervals of the hypertables (<c>TradingTimescale:ChunkIntervals</c>).</summary>
public sealed class ChunkIntervalOptions
{
    /// <summary><c>stock_prices</c>: 1 day.</summary>
    public TimescaleInterval StockPrices { get; set; } = TimescaleInterval.FromDays(1);

    /// <summary><c>options_data</c>: 1 day.</summary>
    public TimescaleInterval OptionsData { get; set; } = TimescaleInterval.FromDays(1);

    /// <summary><c>signals</c>: 1 day.</summary>
    public TimescaleInterval Signals { get; set; } = TimescaleInterval.FromDays(1);

    /// <summary><c>performance_metrics</c>: 7 days.</summary>
    public TimescaleInterval PerformanceMetrics { get; set; } = TimescaleInterval.FromDays(7);

    /// <summary><c>data_quality</c>: 1 day.</summary>
    public TimescaleInterval DataQuality { get; set; } = TimescaleInterval.FromDays(1);

    /// <summary><c>system_events</c>: 1 day.</summary>
    public TimescaleInterval SystemEvents { get; set; } = TimescaleInterval.FromDays(1);
}
