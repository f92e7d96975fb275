namespace Trading.Timescale.Positions;

/// <summary>The outcome of <see cref="TradingPositions.MarkToMarketAsync"/>.</summary>
/// <param name="Marked">Open positions marked to the latest prices, by id.</param>
/// <param name="Unmarked">Open positions with no usable price, by id; they are not valued at zero.</param>
public sealed record MarkToMarketResult(IReadOnlyList<PositionMark> Marked, IReadOnlyList<UnmarkedPosition> Unmarked);
