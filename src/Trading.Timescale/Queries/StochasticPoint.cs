using NodaTime;

namespace Trading.Timescale.Queries;

/// <summary>The stochastic oscillator of one bar. Indicator values are <see langword="double"/>; prices <see langword="decimal"/>.</summary>
/// <param name="Timestamp">The bar's start.</param>
/// <param name="ClosePrice">The bar's close (the last close in its bucket).</param>
/// <param name="PercentK">%K: where the close lies in the high-low range of the last K bars, 0 to 100; <see langword="null"/> during warm-up.</param>
/// <param name="PercentD">%D: the simple average of the last D values of %K.</param>
public sealed record StochasticPoint(Instant Timestamp, decimal? ClosePrice, double? PercentK, double? PercentD);
