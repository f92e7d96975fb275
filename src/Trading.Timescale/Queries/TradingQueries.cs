using NodaTime;
using Npgsql;
using Trading.Timescale.Queries.Internal;
using Trading.Timescale.Internal;

namespace Trading.Timescale.Queries;

/// <summary>
/// Reading the market database: typed reads of every table, the latest snapshots, and immutable query builders for
/// bars, indicators, the latest prices as of an instant, options analytics and signal analytics. Every builder sends
/// its values as parameters and shows its SQL with <see cref="TradingQuery{T}.ToSql"/>.
/// </summary>
public sealed partial class TradingQueries
{
    private readonly NpgsqlDataSource _dataSource;

    /// <summary>Creates the queries over a data source built with <c>UseNodaTime()</c>.</summary>
    /// <param name="dataSource">The data source.</param>
    /// <exception cref="ArgumentNullException"><paramref name="dataSource"/> is <see langword="null"/>.</exception>
    public TradingQueries(NpgsqlDataSource dataSource)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        _dataSource = dataSource;
    }

    /// <summary>OHLCV bars of <paramref name="interval"/> width (see <see cref="BarQuery"/>); every symbol until <see cref="BarQuery.ForSymbols"/>.</summary>
    /// <param name="interval">The bar width, such as <see cref="BarInterval.FiveMinutes"/> or <c>BarInterval.Parse("15m")</c>.</param>
    /// <returns>The query.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="interval"/> is not positive.</exception>
    public BarQuery Bars(TimescaleInterval interval)
    {
        CheckInterval(interval);
        return new BarQuery(_dataSource, interval);
    }

    /// <summary>OHLCV bars of one symbol.</summary>
    /// <param name="symbol">The ticker.</param>
    /// <param name="interval">The bar width.</param>
    /// <returns>The query.</returns>
    /// <exception cref="ArgumentException"><paramref name="symbol"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="interval"/> is not positive.</exception>
    public BarQuery Bars(string symbol, TimescaleInterval interval)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(symbol);
        return Bars(interval).ForSymbols(symbol);
    }

    /// <summary>Each symbol's newest bar at or before <paramref name="asOf"/>, from the hypertable (see <see cref="LatestPriceQuery"/>).</summary>
    /// <param name="asOf">The instant.</param>
    /// <returns>The query.</returns>
    public LatestPriceQuery LatestPrices(Instant asOf) => new(_dataSource, asOf);

    /// <summary>
    /// A screen across symbols (<c>trading.screen</c>, see <see cref="ScreenQuery"/>): each symbol's last complete bar of
    /// <paramref name="interval"/> width with close, change, RSI-14, SMA-20, SMA-50, Bollinger(20, 2) %B and bandwidth, ATR-14
    /// and relative volume, in one query.
    /// </summary>
    /// <param name="interval">The bar width, such as <see cref="BarInterval.FiveMinutes"/>.</param>
    /// <returns>The query.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="interval"/> is not positive.</exception>
    public ScreenQuery Screen(TimescaleInterval interval)
    {
        CheckInterval(interval);
        return new ScreenQuery(_dataSource, interval);
    }

    /// <summary><c>trading.calculate_rsi(symbol, period, interval, from, to)</c>: Wilder RSI.</summary>
    /// <param name="symbol">The ticker.</param>
    /// <param name="interval">The bar width.</param>
    /// <param name="period">The period (14 by default).</param>
    /// <returns>The query.</returns>
    /// <exception cref="ArgumentException"><paramref name="symbol"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="interval"/> or <paramref name="period"/> is not positive.</exception>
    public IndicatorQuery<RsiPoint> Rsi(string symbol, TimescaleInterval interval, int period = IndicatorDefaults.RsiPeriod) =>
        Indicator("calculate_rsi", "\"timestamp\", \"close_price\", \"rsi\"", symbol, interval, [Period(period, nameof(period))], Interval(interval),
            r => new RsiPoint(r.RequiredInstant(0), r.Decimal(1), r.Double(2)));

    /// <summary><c>trading.calculate_bollinger_bands(symbol, period, multiplier, interval, from, to)</c>: SMA ± k population standard deviations.</summary>
    /// <param name="symbol">The ticker.</param>
    /// <param name="interval">The bar width.</param>
    /// <param name="period">The period (20 by default).</param>
    /// <param name="standardDeviations">k, the band width in standard deviations (2 by default).</param>
    /// <returns>The query.</returns>
    /// <exception cref="ArgumentException"><paramref name="symbol"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="interval"/> or <paramref name="period"/> is not positive, or <paramref name="standardDeviations"/> is negative.</exception>
    public IndicatorQuery<BollingerPoint> BollingerBands(string symbol, TimescaleInterval interval, int period = IndicatorDefaults.BollingerPeriod, decimal standardDeviations = IndicatorDefaults.BollingerStandardDeviations)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(standardDeviations);
        return Indicator("calculate_bollinger_bands", "\"timestamp\", \"close_price\", \"middle_band\", \"upper_band\", \"lower_band\"", symbol, interval,
            [Period(period, nameof(period)), p => p.Numeric(standardDeviations)], Interval(interval),
            r => new BollingerPoint(r.RequiredInstant(0), r.Decimal(1), r.Double(2), r.Double(3), r.Double(4)));
    }

    /// <summary><c>trading.calculate_moving_average(symbol, period, interval, from, to)</c>: the simple moving average.</summary>
    /// <param name="symbol">The ticker.</param>
    /// <param name="interval">The bar width.</param>
    /// <param name="period">The period (20 by default).</param>
    /// <returns>The query.</returns>
    /// <exception cref="ArgumentException"><paramref name="symbol"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="interval"/> or <paramref name="period"/> is not positive.</exception>
    public IndicatorQuery<MovingAveragePoint> MovingAverage(string symbol, TimescaleInterval interval, int period = IndicatorDefaults.MovingAveragePeriod) =>
        Indicator("calculate_moving_average", "\"timestamp\", \"close_price\", \"moving_average\"", symbol, interval, [Period(period, nameof(period))], Interval(interval),
            r => new MovingAveragePoint(r.RequiredInstant(0), r.Decimal(1), r.Double(2)));

    /// <summary><c>trading.calculate_ema(symbol, period, interval, from, to)</c>: the exponential moving average.</summary>
    /// <param name="symbol">The ticker.</param>
    /// <param name="interval">The bar width.</param>
    /// <param name="period">The period (20 by default).</param>
    /// <returns>The query.</returns>
    /// <exception cref="ArgumentException"><paramref name="symbol"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="interval"/> or <paramref name="period"/> is not positive.</exception>
    public IndicatorQuery<EmaPoint> Ema(string symbol, TimescaleInterval interval, int period = IndicatorDefaults.EmaPeriod) =>
        Indicator("calculate_ema", "\"timestamp\", \"close_price\", \"ema\"", symbol, interval, [Period(period, nameof(period))], Interval(interval),
            r => new EmaPoint(r.RequiredInstant(0), r.Decimal(1), r.Double(2)));

    /// <summary><c>trading.calculate_macd(symbol, fast, slow, signal, interval, from, to)</c>: MACD, signal and histogram.</summary>
    /// <param name="symbol">The ticker.</param>
    /// <param name="interval">The bar width.</param>
    /// <param name="fastPeriod">The fast EMA period (12).</param>
    /// <param name="slowPeriod">The slow EMA period (26).</param>
    /// <param name="signalPeriod">The signal EMA period (9).</param>
    /// <returns>The query.</returns>
    /// <exception cref="ArgumentException"><paramref name="symbol"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="interval"/> or a period is not positive.</exception>
    public IndicatorQuery<MacdPoint> Macd(string symbol, TimescaleInterval interval, int fastPeriod = IndicatorDefaults.MacdFastPeriod, int slowPeriod = IndicatorDefaults.MacdSlowPeriod, int signalPeriod = IndicatorDefaults.MacdSignalPeriod) =>
        Indicator("calculate_macd", "\"timestamp\", \"close_price\", \"macd\", \"signal\", \"histogram\"", symbol, interval,
            [Period(fastPeriod, nameof(fastPeriod)), Period(slowPeriod, nameof(slowPeriod)), Period(signalPeriod, nameof(signalPeriod))], Interval(interval),
            r => new MacdPoint(r.RequiredInstant(0), r.Decimal(1), r.Double(2), r.Double(3), r.Double(4)));

    /// <summary><c>trading.calculate_atr(symbol, period, interval, from, to)</c>: Wilder's average true range.</summary>
    /// <param name="symbol">The ticker.</param>
    /// <param name="interval">The bar width.</param>
    /// <param name="period">The period (14).</param>
    /// <returns>The query.</returns>
    /// <exception cref="ArgumentException"><paramref name="symbol"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="interval"/> or <paramref name="period"/> is not positive.</exception>
    public IndicatorQuery<AtrPoint> Atr(string symbol, TimescaleInterval interval, int period = IndicatorDefaults.AtrPeriod) =>
        Indicator("calculate_atr", "\"timestamp\", \"high_price\", \"low_price\", \"close_price\", \"true_range\", \"atr\"", symbol, interval,
            [Period(period, nameof(period))], Interval(interval),
            r => new AtrPoint(r.RequiredInstant(0), r.Decimal(1), r.Decimal(2), r.Decimal(3), r.Double(4), r.Double(5)));

    /// <summary><c>trading.calculate_vwap(symbol, interval, from, to)</c>: the VWAP, cumulative per exchange session day.</summary>
    /// <param name="symbol">The ticker.</param>
    /// <param name="interval">The bar width.</param>
    /// <returns>The query.</returns>
    /// <exception cref="ArgumentException"><paramref name="symbol"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="interval"/> is not positive.</exception>
    public IndicatorQuery<VwapPoint> Vwap(string symbol, TimescaleInterval interval) =>
        Indicator("calculate_vwap", "\"timestamp\", \"close_price\", \"volume\", \"vwap\"", symbol, interval, [], Interval(interval),
            r => new VwapPoint(r.RequiredInstant(0), r.Decimal(1), r.Int64(2), r.Double(3)));

    /// <summary><c>trading.calculate_stochastic(symbol, k, d, interval, from, to)</c>: %K and %D.</summary>
    /// <param name="symbol">The ticker.</param>
    /// <param name="interval">The bar width.</param>
    /// <param name="kPeriod">The %K look-back in bars (14).</param>
    /// <param name="dPeriod">The %D smoothing in bars (3).</param>
    /// <returns>The query.</returns>
    /// <exception cref="ArgumentException"><paramref name="symbol"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="interval"/> or a period is not positive.</exception>
    public IndicatorQuery<StochasticPoint> Stochastic(string symbol, TimescaleInterval interval, int kPeriod = IndicatorDefaults.StochasticKPeriod, int dPeriod = IndicatorDefaults.StochasticDPeriod) =>
        Indicator("calculate_stochastic", "\"timestamp\", \"close_price\", \"percent_k\", \"percent_d\"", symbol, interval,
            [Period(kPeriod, nameof(kPeriod)), Period(dPeriod, nameof(dPeriod))], Interval(interval),
            r => new StochasticPoint(r.RequiredInstant(0), r.Decimal(1), r.Double(2), r.Double(3)));

    /// <summary>The option chain of <paramref name="underlyingSymbol"/>: each contract's newest quote (see <see cref="OptionChainQuery"/>).</summary>
    /// <param name="underlyingSymbol">The underlying's ticker.</param>
    /// <returns>The query.</returns>
    /// <exception cref="ArgumentException"><paramref name="underlyingSymbol"/> is empty.</exception>
    public OptionChainQuery OptionChain(string underlyingSymbol) => new(_dataSource, underlyingSymbol);

    /// <summary>The <paramref name="count"/> most traded contracts of the chain (see <see cref="OptionChainQuery.MostActive"/>).</summary>
    /// <param name="underlyingSymbol">The underlying's ticker.</param>
    /// <param name="count">How many contracts (10 by default).</param>
    /// <returns>The query.</returns>
    /// <exception cref="ArgumentException"><paramref name="underlyingSymbol"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is less than 1.</exception>
    public OptionChainQuery MostActiveContracts(string underlyingSymbol, int count = 10) => OptionChain(underlyingSymbol).MostActive(count);

    /// <summary>Put/call ratios by volume and by open interest over the chain (see <see cref="PutCallRatioQuery"/>).</summary>
    /// <param name="underlyingSymbol">The underlying's ticker.</param>
    /// <returns>The query.</returns>
    /// <exception cref="ArgumentException"><paramref name="underlyingSymbol"/> is empty.</exception>
    public PutCallRatioQuery PutCallRatio(string underlyingSymbol) => new(_dataSource, underlyingSymbol);

    /// <summary>The implied-volatility smile of one expiration (see <see cref="VolatilitySmileQuery"/>).</summary>
    /// <param name="underlyingSymbol">The underlying's ticker.</param>
    /// <param name="expiration">The expiration date.</param>
    /// <returns>The query.</returns>
    /// <exception cref="ArgumentException"><paramref name="underlyingSymbol"/> is empty.</exception>
    public VolatilitySmileQuery VolatilitySmile(string underlyingSymbol, LocalDate expiration) => new(_dataSource, underlyingSymbol, expiration);

    /// <summary>The at-the-money implied volatility per expiration (see <see cref="VolatilityTermStructureQuery"/>).</summary>
    /// <param name="underlyingSymbol">The underlying's ticker.</param>
    /// <returns>The query.</returns>
    /// <exception cref="ArgumentException"><paramref name="underlyingSymbol"/> is empty.</exception>
    public VolatilityTermStructureQuery VolatilityTermStructure(string underlyingSymbol) => new(_dataSource, underlyingSymbol);

    /// <summary>Trading signals, newest first, to filter (see <see cref="SignalQuery"/>).</summary>
    /// <returns>The query.</returns>
    public SignalQuery Signals() => new(_dataSource);

    private IndicatorQuery<TPoint> Indicator<TPoint>(
        string function, string columns, string symbol, TimescaleInterval interval, Func<SqlParameters, string>[] periods, Func<SqlParameters, string> intervalArgument,
        Func<NpgsqlDataReader, TPoint> read)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(symbol);
        CheckInterval(interval);
        return new IndicatorQuery<TPoint>(_dataSource, function, columns, [p => p.Text(symbol), .. periods, intervalArgument], read);
    }

    private static Func<SqlParameters, string> Period(int period, string argument)
    {
        if (period <= 0)
        {
            throw new ArgumentOutOfRangeException(argument, period, $"{argument} must be at least 1, such as 14.");
        }

        return p => p.Integer(period);
    }

    private static Func<SqlParameters, string> Interval(TimescaleInterval interval) => p => p.Text(interval.ToString());

    private static void CheckInterval(TimescaleInterval interval)
    {
        if (!interval.IsPositive)
        {
            throw new ArgumentOutOfRangeException(nameof(interval), interval, "The bar width must be positive, such as BarInterval.FiveMinutes or BarInterval.Parse(\"15m\").");
        }
    }
}
