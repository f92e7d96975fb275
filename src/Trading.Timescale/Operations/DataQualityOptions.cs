using NodaTime;

namespace Trading.Timescale.Operations;

/// <summary>
/// The thresholds and market calendar of <see cref="TradingOperations.CheckQualityAsync"/>. The regular session is
/// <see cref="SessionOpen"/> to <see cref="SessionClose"/> on weekdays in the exchange time zone
/// (<see cref="TradingTimescaleOptions.ExchangeTimeZone"/>), except <see cref="Holidays"/>, with the early closes of
/// <see cref="EarlyCloses"/>.
/// </summary>
public sealed class DataQualityOptions
{
    /// <summary>The moment the checks are made as of; the server's clock when <see langword="null"/>. The window ends here.</summary>
    public Instant? AsOf { get; init; }

    /// <summary>How far back the window of bars and quotes reaches. Default: 1 day.</summary>
    public Duration Window { get; init; } = Duration.FromDays(1);

    /// <summary>The regular session's open in the exchange time zone. Default: 09:30.</summary>
    public LocalTime SessionOpen { get; init; } = new(9, 30);

    /// <summary>The regular session's close in the exchange time zone. Default: 16:00.</summary>
    public LocalTime SessionClose { get; init; } = new(16, 0);

    /// <summary>Exchange holidays: weekdays with no session. Default: none (a day on which a symbol has no bar at all is not checked for gaps either).</summary>
    public IReadOnlyCollection<LocalDate> Holidays { get; init; } = [];

    /// <summary>Days the session closes early, with their close time (for example the day after Thanksgiving at 13:00).</summary>
    public IReadOnlyDictionary<LocalDate, LocalTime> EarlyCloses { get; init; } = new Dictionary<LocalDate, LocalTime>();

    /// <summary>A gap: more than this between consecutive bars of a symbol (or the open and its first bar, or its last bar and the close) in a session. Default: 5 minutes.</summary>
    public Duration MaxBarGap { get; init; } = Duration.FromMinutes(5);

    /// <summary>A symbol is stale when its newest bar is older than this at the last moment the market was open. Default: 15 minutes.</summary>
    public Duration StaleAfter { get; init; } = Duration.FromMinutes(15);

    /// <summary>The symbols checked for staleness are those with a bar in this much time before the check. Default: 7 days.</summary>
    public Duration StaleLookback { get; init; } = Duration.FromDays(7);

    /// <summary>A price outlier: a close that moved more than this fraction from the previous bar's close. Default: 0.25 (25 %).</summary>
    public decimal MaxPriceJump { get; init; } = 0.25m;

    /// <summary>An absurd stock bar volume: more than this. Default: 5,000,000,000.</summary>
    public long MaxStockVolume { get; init; } = 5_000_000_000;

    /// <summary>An absurd option quote volume: more than this. Default: 10,000,000.</summary>
    public long MaxOptionVolume { get; init; } = 10_000_000;

    /// <summary>The lowest sane implied volatility (exclusive). Default: 0.</summary>
    public decimal MinImpliedVolatility { get; init; }

    /// <summary>The highest sane implied volatility (inclusive). Default: 5 (500 %).</summary>
    public decimal MaxImpliedVolatility { get; init; } = 5m;

    /// <summary>Write the outcome into <c>trading.data_quality</c>. Default: true.</summary>
    public bool Record { get; init; } = true;
}
