namespace Trading.Timescale;

/// <summary>One price bar of a stock: a row of <c>trading.stock_prices</c>. Prices are in the quote currency.</summary>
/// <remarks>
/// The natural key is (<see cref="Symbol"/>, <see cref="TradingRecord.Timestamp"/>): the bar's start time.
/// Prices are <c>DECIMAL(12,4)</c>: below 100,000,000 with at most 4 decimal places.
/// </remarks>
public sealed record StockPrice : TradingRecord
{
    /// <summary>The ticker (<c>symbol</c>, at most 10 characters).</summary>
    public required string Symbol { get; init; }

    /// <summary>The first trade price of the bar (<c>open_price</c>).</summary>
    public decimal? OpenPrice { get; init; }

    /// <summary>The highest trade price of the bar (<c>high_price</c>).</summary>
    public decimal? HighPrice { get; init; }

    /// <summary>The lowest trade price of the bar (<c>low_price</c>).</summary>
    public decimal? LowPrice { get; init; }

    /// <summary>The last trade price of the bar (<c>close_price</c>).</summary>
    public decimal? ClosePrice { get; init; }

    /// <summary>The number of shares traded (<c>volume</c>).</summary>
    public long? Volume { get; init; }

    /// <summary>The volume-weighted average price of the bar (<c>vwap</c>).</summary>
    public decimal? Vwap { get; init; }

    /// <summary>The market capitalisation in currency units (<c>market_cap</c>).</summary>
    public long? MarketCap { get; init; }

    /// <summary>The number of shares outstanding (<c>shares_outstanding</c>).</summary>
    public long? SharesOutstanding { get; init; }
}
