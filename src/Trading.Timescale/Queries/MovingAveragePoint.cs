using NodaTime;

namespace Trading.Timescale.Queries;

/// <summary>The simple moving average of the closes of one bar and the bars before it. Indicator values are <see langword="double"/>; prices <see langword="decimal"/>.</summary>
/// <param name="Timestamp">The bar's start.</param>
/// <param name="ClosePrice">The bar's close (the last close in its bucket).</param>
/// <param name="MovingAverage">The mean of the last period closes; <see langword="null"/> during warm-up.</param>
public sealed record MovingAveragePoint(Instant Timestamp, decimal? ClosePrice, double? MovingAverage);
