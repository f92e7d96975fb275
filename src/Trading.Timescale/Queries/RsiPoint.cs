using NodaTime;

namespace Trading.Timescale.Queries;

/// <summary>The relative strength index (Wilder smoothing) of one bar. Indicator values are <see langword="double"/>; prices <see langword="decimal"/>.</summary>
/// <param name="Timestamp">The bar's start.</param>
/// <param name="ClosePrice">The bar's close (the last close in its bucket).</param>
/// <param name="Rsi">RSI from 0 to 100; <see langword="null"/> during warm-up (the first period bars); 100 when the average loss is 0.</param>
public sealed record RsiPoint(Instant Timestamp, decimal? ClosePrice, double? Rsi);
