using NodaTime;

namespace Trading.Timescale.Queries;

/// <summary>The exponential moving average of one bar (seeded with the simple average of the first period closes). Indicator values are <see langword="double"/>; prices <see langword="decimal"/>.</summary>
/// <param name="Timestamp">The bar's start.</param>
/// <param name="ClosePrice">The bar's close (the last close in its bucket).</param>
/// <param name="Ema">The EMA; <see langword="null"/> during warm-up.</param>
public sealed record EmaPoint(Instant Timestamp, decimal? ClosePrice, double? Ema);
