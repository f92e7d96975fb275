using System.Globalization;
using System.Text.RegularExpressions;

namespace Trading.Timescale.Queries;

/// <summary>Bar widths: the four the aggregates hold, and parsing of <c>5m</c>/<c>1h</c>/<c>1d</c> or <c>'5 minutes'</c>.</summary>
public static class BarInterval
{
    /// <summary>One minute (<c>trading.stock_prices_1m</c>).</summary>
    public static TimescaleInterval OneMinute { get; } = TimescaleInterval.FromMinutes(1);

    /// <summary>Five minutes (<c>trading.stock_prices_5m</c>).</summary>
    public static TimescaleInterval FiveMinutes { get; } = TimescaleInterval.FromMinutes(5);

    /// <summary>One hour (<c>trading.stock_prices_1h</c>).</summary>
    public static TimescaleInterval OneHour { get; } = TimescaleInterval.FromHours(1);

    /// <summary>One exchange day (<c>trading.stock_prices_1d</c>, bucketed in the exchange time zone).</summary>
    public static TimescaleInterval OneDay { get; } = TimescaleInterval.FromDays(1);

    /// <summary>
    /// Parses a bar width. The grammar is the one <c>trading.parse_bar_interval</c> reads in SQL, with the same meaning:
    /// <list type="bullet">
    /// <item>numbers and units: <c>30s</c>, <c>5m</c>, <c>4h</c>, <c>1d</c>, <c>1w</c>, <c>1y</c>, <c>'5 minutes'</c>,
    /// <c>1 hour 30 minutes</c>, <c>1h30m</c>; units (any case) <c>s sec secs second seconds</c>, <c>m min mins minute
    /// minutes</c>, <c>h hr hrs hour hours</c>, <c>d day days</c>, <c>w week weeks</c>, <c>mon mons month months</c>,
    /// <c>y yr yrs year years</c>; whole numbers of up to nine digits, no signs or fractions;</item>
    /// <item>an ISO 8601 duration: <c>PT5M</c>, <c>P1D</c>, <c>P1W</c>, <c>P1Y2M</c>;</item>
    /// <item>surrounding quotes and spaces are ignored.</item>
    /// </list>
    /// The width is positive, and months (or years) come alone: <c>1 month 2 days</c> is refused.
    /// </summary>
    /// <param name="text">The text.</param>
    /// <returns>The interval.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is <see langword="null"/>.</exception>
    /// <exception cref="FormatException">The text is not a bar width; the message shows the accepted forms.</exception>
    public static TimescaleInterval Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text, out var interval)
            ? interval
            : throw new FormatException(
                $"interval '{text}' is not a bar width: write a whole number and a unit such as 30s, 5m, 1h, 1d, 1w, '5 minutes' or '1 hour 30 minutes', or an ISO 8601 duration such as PT5M; months may not be mixed with days or hours.");
    }

    /// <summary>Tries to parse a bar width (see <see cref="Parse"/>).</summary>
    /// <param name="text">The text.</param>
    /// <param name="interval">The interval, when the text is one.</param>
    /// <returns>Whether the text is a bar width.</returns>
    public static bool TryParse(string? text, out TimescaleInterval interval)
    {
        interval = default;
        var trimmed = Unquote(text);
        if (trimmed.Length == 0)
        {
            return false;
        }

        long months = 0, days = 0, micro = 0;
        try
        {
            if (IsoPattern.Match(trimmed) is { Success: true } iso)
            {
                if (!iso.Groups.Values.Skip(1).Any(g => g.Success))
                {
                    return false;
                }

                months = checked((Amount(iso.Groups["y"]) * 12) + Amount(iso.Groups["mo"]));
                days = checked((Amount(iso.Groups["w"]) * 7) + Amount(iso.Groups["d"]));
                micro = checked((Amount(iso.Groups["h"]) * 3_600_000_000) + (Amount(iso.Groups["mi"]) * 60_000_000) + (Amount(iso.Groups["s"]) * 1_000_000));
            }
            else if (WordsPattern.IsMatch(trimmed))
            {
                foreach (Match term in TermPattern.Matches(trimmed))
                {
                    var amount = long.Parse(term.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture);
                    switch (term.Groups[2].Value.ToLowerInvariant())
                    {
                        case "s" or "sec" or "secs" or "second" or "seconds": micro = checked(micro + (amount * 1_000_000)); break;
                        case "m" or "min" or "mins" or "minute" or "minutes": micro = checked(micro + (amount * 60_000_000)); break;
                        case "h" or "hr" or "hrs" or "hour" or "hours": micro = checked(micro + (amount * 3_600_000_000)); break;
                        case "d" or "day" or "days": days = checked(days + amount); break;
                        case "w" or "week" or "weeks": days = checked(days + (amount * 7)); break;
                        case "mon" or "mons" or "month" or "months": months = checked(months + amount); break;
                        case "y" or "yr" or "yrs" or "year" or "years": months = checked(months + (amount * 12)); break;
                        default: return false;
                    }
                }
            }
            else
            {
                return false;
            }

            // The hours of the width fit a 32-bit integer, as in SQL's make_interval.
            if (micro / 3_600_000_000 > int.MaxValue || (months != 0 && (days != 0 || micro != 0)))
            {
                return false;
            }

            interval = new TimescaleInterval(checked((int)months), checked((int)days), micro);
        }
        catch (OverflowException)
        {
            interval = default;
            return false;
        }

        return interval.IsPositive;
    }

    // The same patterns as trading.parse_bar_interval (schema/repeatable/70_bars.sql).
    private const string Unit = "s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?|w|weeks?|mons?|months?|y|yrs?|years?";

    private static readonly Regex WordsPattern = new(
        $"^[0-9]{{1,9}}\\s*(?:{Unit})(?:\\s*,?\\s*[0-9]{{1,9}}\\s*(?:{Unit}))*$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    private static readonly Regex TermPattern = new($"([0-9]{{1,9}})\\s*({Unit})(?![a-z])", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    private static readonly Regex IsoPattern = new(
        "^P(?:(?<y>[0-9]{1,9})Y)?(?:(?<mo>[0-9]{1,9})M)?(?:(?<w>[0-9]{1,9})W)?(?:(?<d>[0-9]{1,9})D)?(?:T(?=[0-9])(?:(?<h>[0-9]{1,9})H)?(?:(?<mi>[0-9]{1,9})M)?(?:(?<s>[0-9]{1,9})S)?)?$",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    private static long Amount(Group group) => group.Success ? long.Parse(group.Value, NumberStyles.None, CultureInfo.InvariantCulture) : 0;

    private static string Unquote(string? text)
    {
        var trimmed = text?.Trim() ?? string.Empty;
        if (trimmed.Length >= 2 && trimmed[0] is '\'' or '"' && trimmed[^1] == trimmed[0])
        {
            trimmed = trimmed[1..^1].Trim();
        }

        return trimmed;
    }
}
