namespace Trading.Timescale;

/// <summary>
/// How long each table keeps its rows (<c>TradingTimescale:Retention</c>). A value left unset keeps the database's
/// setting; a new database gets the default named on each property. A set value that differs from the database's is
/// applied only on purpose (see <see cref="Schema.SchemaMigrationOptions"/>); a shorter retention also needs
/// <see cref="Schema.SchemaMigrationOptions.AllowDataRemoval"/>.
/// </summary>
public sealed class RetentionOptions
{
    /// <summary><c>stock_prices</c>, the raw tick data. Default: 90 days.</summary>
    public TimescaleInterval? StockPrices { get; set; }

    /// <summary><c>options_data</c>. Default: 60 days.</summary>
    public TimescaleInterval? OptionsData { get; set; }

    /// <summary><c>signals</c>. Default: 1 year.</summary>
    public TimescaleInterval? Signals { get; set; }

    /// <summary><c>performance_metrics</c>. Default: 2 years.</summary>
    public TimescaleInterval? PerformanceMetrics { get; set; }

    /// <summary><c>data_quality</c>. Default: 90 days.</summary>
    public TimescaleInterval? DataQuality { get; set; }

    /// <summary><c>system_events</c> (non-critical events). Default: 3 months.</summary>
    public TimescaleInterval? SystemEvents { get; set; }

    /// <summary><c>system_events_critical</c>, the CRITICAL events. Default: 2 years.</summary>
    public TimescaleInterval? SystemEventsCritical { get; set; }
}
