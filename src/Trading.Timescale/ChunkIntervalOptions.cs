namespace Trading.Timescale;

/// <summary>
/// Chunk intervals of the hypertables (<c>TradingTimescale:ChunkIntervals</c>). A value left unset keeps the database's
/// setting; a new database gets the default named on each property. A new interval applies to chunks created afterwards.
/// </summary>
public sealed class ChunkIntervalOptions
{
    /// <summary><c>stock_prices</c>. Default: 1 day.</summary>
    public TimescaleInterval? StockPrices { get; set; }

    /// <summary><c>options_data</c>. Default: 1 day.</summary>
    public TimescaleInterval? OptionsData { get; set; }

    /// <summary><c>signals</c>. Default: 1 day.</summary>
    public TimescaleInterval? Signals { get; set; }

    /// <summary><c>performance_metrics</c>. Default: 7 days.</summary>
    public TimescaleInterval? PerformanceMetrics { get; set; }

    /// <summary><c>data_quality</c>. Default: 1 day.</summary>
    public TimescaleInterval? DataQuality { get; set; }

    /// <summary><c>system_events</c>. Default: 1 day.</summary>
    public TimescaleInterval? SystemEvents { get; set; }
}
