namespace Trading.Timescale.Positions;

/// <summary>The direction of one trade: <c>trading.position_trades.side</c>.</summary>
public enum TradeSide
{
    /// <summary>A buy (<c>BUY</c>): opens or adds to a long, or reduces a short.</summary>
    Buy,

    /// <summary>A sell (<c>SELL</c>): opens or adds to a short, or reduces a long.</summary>
    Sell,
}
