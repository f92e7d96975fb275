namespace Trading.Timescale.Positions;

/// <summary>A position marked by <see cref="TradingPositions.MarkToMarketAsync"/>.</summary>
/// <param name="Position">The position with its new <c>mark_price</c>, <c>marked_at</c> and <c>unrealized_pnl</c>.</param>
/// <param name="Source">Which price gave the mark.</param>
public sealed record PositionMark(Position Position, MarkSource Source);
