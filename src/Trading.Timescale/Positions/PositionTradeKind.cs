namespace Trading.Timescale.Positions;

/// <summary>What a trade did to its position: <c>trading.position_trades.trade_type</c>.</summary>
public enum PositionTradeKind
{
    /// <summary>The trade that opened the position (<c>OPEN</c>).</summary>
    Open,

    /// <summary>A trade that made the position larger (<c>ADD</c>); it moves the average cost.</summary>
    Add,

    /// <summary>A trade that made the position smaller and left it open (<c>REDUCE</c>); it realizes P&amp;L.</summary>
    Reduce,

    /// <summary>The trade that took the position to zero (<c>CLOSE</c>); it realizes P&amp;L and closes the position.</summary>
    Close,
}
