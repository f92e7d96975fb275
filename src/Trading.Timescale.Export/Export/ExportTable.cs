namespace Trading.Timescale.Export;

/// <summary>A table that <see cref="TradingExport.TableAsync"/> writes.</summary>
public enum ExportTable
{
    /// <summary>OHLCV bars of an interval (<c>trading.stock_prices</c> through the bar builder).</summary>
    Bars = 0,

    /// <summary>Option quotes (<c>trading.options_data</c>), with the underlying as <c>symbol</c>.</summary>
    Options = 1,

    /// <summary>Signals (<c>trading.signals</c>).</summary>
    Signals = 2,

    /// <summary>Signals with their outcome over a horizon, by the rules of <see cref="Queries.SignalOutcome"/>.</summary>
    Outcomes = 3,
}
