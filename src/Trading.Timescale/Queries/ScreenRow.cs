using NodaTime;

namespace Trading.Timescale.Queries;

/// <summary>
/// One symbol's row of a screen (<c>trading.screen</c>): its last complete bar and the indicators on it, each equal to the
/// single-symbol function for that bar. Indicator values are <see langword="double"/>; prices <see langword="decimal"/>;
/// a value is <see langword="null"/> while the symbol has fewer bars than its warm-up.
/// </summary>
/// <param name="Symbol">The ticker.</param>
/// <param name="Timestamp">The bar's start.</param>
/// <param name="Close">The bar's close.</param>
/// <param name="Change">The close minus the previous bar's close.</param>
/// <param name="ChangePercent">The change as a percentage of the previous bar's close.</param>
/// <param name="Rsi14">Wilder's RSI over 14 bars (<c>calculate_rsi</c>), from 0 to 100.</param>
/// <param name="Sma20">The simple moving average of 20 closes.</param>
/// <param name="Sma50">The simple moving average of 50 closes.</param>
/// <param name="PercentB">Bollinger(20, 2) %B: (close - lower band) / (upper band - lower band); above 1 over the upper band, below 0 under the lower one.</param>
/// <param name="Bandwidth">Bollinger(20, 2) bandwidth: (upper band - lower band) / middle band.</param>
/// <param name="Atr14">Wilder's average true range over 14 bars (<c>calculate_atr</c>).</param>
/// <param name="Volume">The bar's volume.</param>
/// <param name="RelativeVolume">The bar's volume over the average volume of the last 20 bars (this one included).</param>
public sealed record ScreenRow(
    string Symbol,
    Instant Timestamp,
    decimal Close,
    decimal? Change,
    double? ChangePercent,
    double? Rsi14,
    double? Sma20,
    double? Sma50,
    double? PercentB,
    double? Bandwidth,
    double? Atr14,
    long? Volume,
    double? RelativeVolume);
