namespace Trading.Timescale.Queries;

/// <summary>
/// Put/call ratios of an underlying's chain as of an instant, from each contract's newest quote. Ratios are
/// <see langword="decimal"/> (numeric division) and <see langword="null"/> when the call side is 0.
/// </summary>
/// <param name="UnderlyingSymbol">The underlying.</param>
/// <param name="Contracts">The contracts counted.</param>
/// <param name="PutVolume">The summed volume of the puts.</param>
/// <param name="CallVolume">The summed volume of the calls.</param>
/// <param name="VolumeRatio">Put volume / call volume.</param>
/// <param name="PutOpenInterest">The summed open interest of the puts.</param>
/// <param name="CallOpenInterest">The summed open interest of the calls.</param>
/// <param name="OpenInterestRatio">Put open interest / call open interest.</param>
public sealed record PutCallRatio(
    string UnderlyingSymbol,
    long Contracts,
    long PutVolume,
    long CallVolume,
    decimal? VolumeRatio,
    long PutOpenInterest,
    long CallOpenInterest,
    decimal? OpenInterestRatio);
