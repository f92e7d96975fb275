using NodaTime;

namespace Trading.Timescale.Queries;

/// <summary>The session VWAP of one bar: cumulative from the start of its exchange day, in the exchange time zone. Indicator values are <see langword="double"/>; prices <see langword="decimal"/>.</summary>
/// <param name="Timestamp">The bar's start.</param>
/// <param name="ClosePrice">The bar's close (the last close in its bucket).</param>
/// <param name="Volume">The bar's volume.</param>
/// <param name="Vwap">The cumulative volume-weighted average price of the session so far.</param>
public sealed record VwapPoint(Instant Timestamp, decimal? ClosePrice, long? Volume, double? Vwap);
