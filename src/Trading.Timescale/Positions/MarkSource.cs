namespace Trading.Timescale.Positions;

/// <summary>Which price marked a position.</summary>
public enum MarkSource
{
    /// <summary><c>close_price</c> of the stock in <c>trading.latest_stock_prices</c>.</summary>
    StockClose,

    /// <summary>The mid of <c>bid_price</c> and <c>ask_price</c> in <c>trading.latest_option_quotes</c> (both present, bid &lt;= ask).</summary>
    OptionMid,

    /// <summary><c>last_price</c> in <c>trading.latest_option_quotes</c>, used when bid and ask give no valid mid.</summary>
    OptionLast,
}
