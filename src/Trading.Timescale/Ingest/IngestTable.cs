namespace Trading.Timescale.Ingest;

/// <summary>The tables the ingest path writes, each with its record type.</summary>
public enum IngestTable
{
    /// <summary><c>trading.stock_prices</c>, records of type <see cref="StockPrice"/>.</summary>
    StockPrices = 0,

    /// <summary><c>trading.options_data</c>, records of type <see cref="OptionQuote"/>.</summary>
    OptionsData = 1,

    /// <summary><c>trading.signals</c>, records of type <see cref="TradingSignal"/>.</summary>
    Signals = 2,

    /// <summary><c>trading.performance_metrics</c>, records of type <see cref="PerformanceMetric"/>.</summary>
    PerformanceMetrics = 3,

    /// <summary><c>trading.data_quality</c>, records of type <see cref="DataQualityCheck"/>.</summary>
    DataQuality = 4,

    /// <summary><c>trading.system_events</c>, records of type <see cref="SystemEvent"/>.</summary>
    SystemEvents = 5,
}
