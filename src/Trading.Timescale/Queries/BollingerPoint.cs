using NodaTime;

namespace Trading.Timescale.Queries;

/// <summary>Bollinger bands of one bar: the simple moving average plus or minus k population standard deviations. Indicator values are <see langword="double"/>; prices <see langword="decimal"/>.</summary>
/// <param name="Timestamp">The bar's start.</param>
/// <param name="ClosePrice">The bar's close (the last close in its bucket).</param>
/// <param name="MiddleBand">The simple moving average; <see langword="null"/> during warm-up.</param>
/// <param name="UpperBand">The middle band plus k standard deviations.</param>
/// <param name="LowerBand">The middle band minus k standard deviations.</param>
public sealed record BollingerPoint(Instant Timestamp, decimal? ClosePrice, double? MiddleBand, double? UpperBand, double? LowerBand);
