using System.Globalization;

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
    /// Parses a bar width: a number and a unit letter (<c>30s</c>, <c>5m</c>, <c>4h</c>, <c>1d</c>, <c>1w</c>) or
    /// PostgreSQL interval text (<c>'5 minutes'</c>, <c>'1 hour'</c>), quotes optional.
    /// </summary>
    /// <param name="text">The text.</param>
    /// <returns>The interval.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is <see langword="null"/>.</exception>
    /// <exception cref="FormatException">The text is not a positive interval; the message shows the accepted forms.</exception>
    public static TimescaleInterval Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text, out var interval)
            ? interval
            : throw new FormatException($"interval '{text}' is not a bar width: write 1m, 5m, 15m, 1h, 4h, 1d, or PostgreSQL interval text such as '5 minutes' or '1 hour'.");
    }

    /// <summary>Tries to parse a bar width (see <see cref="Parse"/>).</summary>
    /// <param name="text">The text.</param>
    /// <param name="interval">The interval, when the text is one.</param>
    /// <returns>Whether the text is a positive interval.</returns>
    public static bool TryParse(string? text, out TimescaleInterval interval)
    {
        interval = default;
        var trimmed = text?.Trim().Trim('\'', '"').Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            return false;
        }

        if (trimmed.Length >= 2 && char.IsAsciiLetter(trimmed[^1]) && int.TryParse(trimmed[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count > 0)
        {
            try
            {
                interval = trimmed[^1] switch
                {
                    's' => TimescaleInterval.FromTimeSpan(TimeSpan.FromSeconds(count)),
                    'm' => TimescaleInterval.FromMinutes(count),
                    'h' => TimescaleInterval.FromHours(count),
                    'd' => TimescaleInterval.FromDays(count),
                    'w' => TimescaleInterval.FromDays(checked(count * 7)),
                    _ => default,
                };
            }
            catch (OverflowException)
            {
                return false;
            }

            return interval.IsPositive;
        }

        return TimescaleInterval.TryParse(trimmed, out interval) && interval.IsPositive;
    }
}
