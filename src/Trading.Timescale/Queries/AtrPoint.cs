using NodaTime;

namespace Trading.Timescale.Queries;

/// <summary>The average true range (Wilder) of one bar. Indicator values are <see langword="double"/>; prices <see langword="decimal"/>.</summary>
/// <param name="Timestamp">The bar's start.</param>
/// <param name="HighPrice">The bar's high.</param>
/// <param name="LowPrice">The bar's low.</param>
/// <param name="ClosePrice">The bar's close.</param>
/// <param name="TrueRange">The greatest of high minus low and the distances of high and low from the previous close.</param>
/// <param name="Atr">The Wilder average of the true range; <see langword="null"/> during warm-up.</param>
public sealed record AtrPoint(Instant Timestamp, decimal? HighPrice, decimal? LowPrice, decimal? ClosePrice, double? TrueRange, double? Atr);
