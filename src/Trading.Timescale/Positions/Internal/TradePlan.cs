namespace Trading.Timescale.Positions.Internal;

/// <summary>What one trade will write: the ledger row's figures and the position's new state. The unrealized P&amp;L at the
/// position's mark is computed by the statement that writes it (<c>trading.position_unrealized_pnl</c>).</summary>
internal sealed record TradePlan(
    PositionTradeKind Kind,
    TradeSide Side,
    decimal Quantity,
    decimal Price,
    decimal Fees,
    decimal RealizedPnl,
    decimal QuantityAfter,
    decimal AverageCostAfter,
    decimal PositionRealizedPnlAfter)
{
    internal bool Closes => Kind == PositionTradeKind.Close;
}
