namespace Trading.Timescale.Queries;

/// <summary>
/// The default parameters of the indicators, used by the query builders, the feature export and the command line
/// alike. The SQL function <c>trading.calculate_macd(symbol, interval)</c> uses the same MACD periods.
/// </summary>
public static class IndicatorDefaults
{
    /// <summary>RSI period: 14 bars.</summary>
    public const int RsiPeriod = 14;

    /// <summary>Simple moving average period: 20 bars.</summary>
    public const int MovingAveragePeriod = 20;

    /// <summary>Exponential moving average period: 20 bars.</summary>
    public const int EmaPeriod = 20;

    /// <summary>Bollinger band period: 20 bars.</summary>
    public const int BollingerPeriod = 20;

    /// <summary>Bollinger band width: 2 standard deviations.</summary>
    public const int BollingerStandardDeviations = 2;

    /// <summary>MACD fast EMA period: 12 bars.</summary>
    public const int MacdFastPeriod = 12;

    /// <summary>MACD slow EMA period: 26 bars.</summary>
    public const int MacdSlowPeriod = 26;

    /// <summary>MACD signal EMA period: 9 bars.</summary>
    public const int MacdSignalPeriod = 9;

    /// <summary>Average true range period: 14 bars.</summary>
    public const int AtrPeriod = 14;

    /// <summary>Stochastic %K period: 14 bars.</summary>
    public const int StochasticKPeriod = 14;

    /// <summary>Stochastic %D period: 3 bars.</summary>
    public const int StochasticDPeriod = 3;
}
