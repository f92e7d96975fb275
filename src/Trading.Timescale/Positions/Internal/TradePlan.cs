namespace Trading.Timescale.Positions.Internal;

/// <summary>What one trade will write: the ledger row's figures and the position's new state.</summary>
internal sealed record TradePlan(
    PositionTradeKind Kind,
    TradeSide Side,
    decimal Quantity,
    decimal Price,
    decimal Fees,
    decimal RealizedPnl,
    decimal QuantityAfter,
    decimal AverageCostAfter,
    decimal PositionRealizedPnlAfter,
    decimal? UnrealizedPnlAfter)
{
    internal bool Closes => Kind == PositionTradeKind.Close;
}
