using NodaTime;

namespace Trading.Timescale.Queries;

/// <summary>MACD of one bar: fast EMA minus slow EMA, its signal EMA and the histogram. Indicator values are <see langword="double"/>; prices <see langword="decimal"/>.</summary>
/// <param name="Timestamp">The bar's start.</param>
/// <param name="ClosePrice">The bar's close (the last close in its bucket).</param>
/// <param name="Macd">Fast EMA minus slow EMA; <see langword="null"/> during warm-up.</param>
/// <param name="Signal">The EMA of the MACD line.</param>
/// <param name="Histogram">MACD minus signal.</param>
public sealed record MacdPoint(Instant Timestamp, decimal? ClosePrice, double? Macd, double? Signal, double? Histogram);
