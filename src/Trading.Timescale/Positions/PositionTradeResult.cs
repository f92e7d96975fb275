namespace Trading.Timescale.Positions;

/// <summary>The outcome of one trade: the position as committed and the ledger row written for the trade.</summary>
/// <param name="Position">The position after the trade.</param>
/// <param name="Trade">The trade as recorded in <c>trading.position_trades</c>.</param>
public sealed record PositionTradeResult(Position Position, PositionTrade Trade);
