using System.Globalization;
using Trading.Timescale.Queries;

namespace Trading.Timescale.Export;

/// <summary>
/// An indicator column group of a feature set, computed by the library's SQL function so that every value equals the
/// single-symbol result (and is null during warm-up). Written as text: <c>rsi:14</c>, <c>sma:20</c>, <c>ema:20</c>,
/// <c>bollinger:20:2</c>, <c>macd</c> (12/26/9) or <c>macd:12:26:9</c>, <c>atr:14</c>, <c>vwap</c>, <c>stochastic:14:3</c>.
/// </summary>
public sealed record FeatureIndicator
{
    private FeatureIndicator(string kind, IReadOnlyList<decimal> parameters, IReadOnlyList<string> columnNames)
    {
        Kind = kind;
        Parameters = parameters;
        ColumnNames = columnNames;
    }

    /// <summary>The indicator: rsi, sma, ema, bollinger, macd, atr, vwap or stochastic.</summary>
    public string Kind { get; }

    /// <summary>The parameters, with the defaults filled in (rsi 14, sma and ema 20, bollinger 20 and 2, macd 12, 26 and 9, atr 14, stochastic 14 and 3).</summary>
    public IReadOnlyList<decimal> Parameters { get; }

    /// <summary>The columns it adds, such as <c>rsi_14</c> or <c>bollinger_20_2_upper</c>, <c>_middle</c>, <c>_lower</c>.</summary>
    public IReadOnlyList<string> ColumnNames { get; }

    /// <summary>Relative strength index over <paramref name="period"/> bars (Wilder): <c>rsi_N</c>.</summary>
    /// <param name="period">The period.</param>
    /// <returns>The indicator.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="period"/> is not between 1 and 100,000.</exception>
    public static FeatureIndicator Rsi(int period = IndicatorDefaults.RsiPeriod) => Create("rsi", [Period(period, "rsi")]);

    /// <summary>Simple moving average of the close: <c>sma_N</c>.</summary>
    /// <param name="period">The period.</param>
    /// <returns>The indicator.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="period"/> is not between 1 and 100,000.</exception>
    public static FeatureIndicator Sma(int period = IndicatorDefaults.MovingAveragePeriod) => Create("sma", [Period(period, "sma")]);

    /// <summary>Exponential moving average of the close: <c>ema_N</c>.</summary>
    /// <param name="period">The period.</param>
    /// <returns>The indicator.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="period"/> is not between 1 and 100,000.</exception>
    public static FeatureIndicator Ema(int period = IndicatorDefaults.EmaPeriod) => Create("ema", [Period(period, "ema")]);

    /// <summary>Bollinger bands: <c>bollinger_N_K_upper</c>, <c>_middle</c>, <c>_lower</c> (a decimal point in K is written <c>p</c>).</summary>
    /// <param name="period">The period.</param>
    /// <param name="multiplier">The standard deviation multiplier.</param>
    /// <returns>The indicator.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is out of range.</exception>
    public static FeatureIndicator Bollinger(int period = IndicatorDefaults.BollingerPeriod, decimal multiplier = IndicatorDefaults.BollingerStandardDeviations) =>
        multiplier is <= 0 or > 100
            ? throw new ArgumentOutOfRangeException(nameof(multiplier), multiplier, "The bollinger multiplier must be above 0 and at most 100, such as 2.")
            : Create("bollinger", [Period(period, "bollinger"), multiplier]);

    /// <summary>MACD: <c>macd_F_S_G</c>, <c>macd_F_S_G_signal</c>, <c>macd_F_S_G_histogram</c>.</summary>
    /// <param name="fast">The fast period.</param>
    /// <param name="slow">The slow period.</param>
    /// <param name="signal">The signal period.</param>
    /// <returns>The indicator.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A period is out of range, or <paramref name="fast"/> is not below <paramref name="slow"/>.</exception>
    public static FeatureIndicator Macd(int fast = IndicatorDefaults.MacdFastPeriod, int slow = IndicatorDefaults.MacdSlowPeriod, int signal = IndicatorDefaults.MacdSignalPeriod) =>
        fast >= slow
            ? throw new ArgumentOutOfRangeException(nameof(fast), fast, $"The macd fast period must be below the slow period ({slow}).")
            : Create("macd", [Period(fast, "macd"), Period(slow, "macd"), Period(signal, "macd")]);

    /// <summary>Average true range (Wilder): <c>atr_N</c>.</summary>
    /// <param name="period">The period.</param>
    /// <returns>The indicator.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="period"/> is not between 1 and 100,000.</exception>
    public static FeatureIndicator Atr(int period = IndicatorDefaults.AtrPeriod) => Create("atr", [Period(period, "atr")]);

    /// <summary>The session VWAP of typical prices, reset each exchange day: <c>vwap_session</c>.</summary>
    /// <returns>The indicator.</returns>
    public static FeatureIndicator Vwap() => Create("vwap", []);

    /// <summary>Stochastic oscillator: <c>stochastic_K_D_k</c> and <c>stochastic_K_D_d</c>.</summary>
    /// <param name="kPeriod">The %K period.</param>
    /// <param name="dPeriod">The %D period.</param>
    /// <returns>The indicator.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A period is out of range.</exception>
    public static FeatureIndicator Stochastic(int kPeriod = IndicatorDefaults.StochasticKPeriod, int dPeriod = IndicatorDefaults.StochasticDPeriod) =>
        Create("stochastic", [Period(kPeriod, "stochastic"), Period(dPeriod, "stochastic")]);

    /// <summary>Reads a comma-separated list such as <c>rsi:14,sma:20,bollinger:20:2,macd,atr:14</c>.</summary>
    /// <param name="text">The list.</param>
    /// <returns>The indicators, in order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is <see langword="null"/>.</exception>
    /// <exception cref="FormatException">An item is not a known indicator or has a bad parameter; the message names it.</exception>
    public static IReadOnlyList<FeatureIndicator> ParseList(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return [.. text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(Parse)];
    }

    /// <summary>Reads one indicator such as <c>rsi:14</c> or <c>bollinger:20:2</c>; parameters left out take their defaults.</summary>
    /// <param name="text">The indicator.</param>
    /// <returns>The indicator.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is <see langword="null"/>.</exception>
    /// <exception cref="FormatException">It is not a known indicator or has a bad parameter; the message names it.</exception>
    public static FeatureIndicator Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Trim().Split(':', StringSplitOptions.TrimEntries);
        var kind = parts[0].ToLowerInvariant();
        var (minimum, maximum) = kind switch
        {
            "rsi" or "sma" or "ema" or "atr" => (0, 1),
            "bollinger" or "stochastic" => (0, 2),
            "macd" => (0, 3),
            "vwap" => (0, 0),
            _ => throw new FormatException(
                $"indicator '{text}' is unknown: use rsi:N, sma:N, ema:N, bollinger:N:K, macd or macd:FAST:SLOW:SIGNAL, atr:N, vwap, stochastic:K:D."),
        };
        var count = parts.Length - 1;
        if (count < minimum || count > maximum)
        {
            throw new FormatException($"indicator '{text}' takes at most {maximum} parameter(s), got {count}.");
        }

        try
        {
            int Int(int index, int fallback) => index < count
                ? int.TryParse(parts[index + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value
                    : throw new FormatException($"indicator '{text}': parameter '{parts[index + 1]}' is not a whole number of bars.")
                : fallback;
            return kind switch
            {
                "rsi" => Rsi(Int(0, IndicatorDefaults.RsiPeriod)),
                "sma" => Sma(Int(0, IndicatorDefaults.MovingAveragePeriod)),
                "ema" => Ema(Int(0, IndicatorDefaults.EmaPeriod)),
                "atr" => Atr(Int(0, IndicatorDefaults.AtrPeriod)),
                "vwap" => Vwap(),
                "stochastic" => Stochastic(Int(0, IndicatorDefaults.StochasticKPeriod), Int(1, IndicatorDefaults.StochasticDPeriod)),
                "macd" when count is 0 => Macd(),
                "macd" when count is 3 => Macd(Int(0, IndicatorDefaults.MacdFastPeriod), Int(1, IndicatorDefaults.MacdSlowPeriod), Int(2, IndicatorDefaults.MacdSignalPeriod)),
                "macd" => throw new FormatException($"indicator '{text}': macd takes no parameters or all three (macd:12:26:9)."),
                _ => Bollinger(Int(0, IndicatorDefaults.BollingerPeriod), count > 1
                    ? decimal.TryParse(parts[2], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var k) ? k
                        : throw new FormatException($"indicator '{text}': multiplier '{parts[2]}' is not a number.")
                    : 2m),
            };
        }
        catch (ArgumentOutOfRangeException ex)
        {
            throw new FormatException($"indicator '{text}': {ex.Message.Split(" (Parameter", 2)[0]}", ex);
        }
    }

    /// <summary>The indicator as text, such as <c>bollinger:20:2</c>.</summary>
    /// <returns>The text <see cref="Parse"/> reads.</returns>
    public override string ToString() =>
        string.Join(':', Parameters.Select(p => p.ToString(CultureInfo.InvariantCulture)).Prepend(Kind));

    private static int Period(int value, string kind) => value is < 1 or > 100_000
        ? throw new ArgumentOutOfRangeException(nameof(value), value, $"a {kind} period must be between 1 and 100000 bars, got {value}.")
        : value;

    private static FeatureIndicator Create(string kind, decimal[] parameters)
    {
        var stem = string.Join('_', parameters.Select(p => p.ToString(CultureInfo.InvariantCulture).Replace('.', 'p')).Prepend(kind));
        string[] names = kind switch
        {
            "bollinger" => [stem + "_upper", stem + "_middle", stem + "_lower"],
            "macd" => [stem, stem + "_signal", stem + "_histogram"],
            "stochastic" => [stem + "_k", stem + "_d"],
            "vwap" => ["vwap_session"],
            _ => [stem],
        };
        return new FeatureIndicator(kind, parameters, names);
    }
}
