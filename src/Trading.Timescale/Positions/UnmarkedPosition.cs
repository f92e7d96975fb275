namespace Trading.Timescale.Positions;

/// <summary>An open position that <see cref="TradingPositions.MarkToMarketAsync"/> found no usable price for; it was left as it was.</summary>
/// <param name="Position">The position, unchanged (it keeps any earlier mark).</param>
/// <param name="Reason">Why no price was usable, naming the table and instrument.</param>
public sealed record UnmarkedPosition(Position Position, string Reason);
