using System.ComponentModel;
using System.Globalization;
using System.Text;
using NodaTime;
using Trading.Timescale.Internal;

namespace Trading.Timescale;

/// <summary>
/// A PostgreSQL <c>interval</c> made of months, days and a time part, so calendar lengths such as
/// <c>3 months</c> or <c>1 year</c> keep their meaning. Parses <c>"90 days"</c>, <c>"3 months"</c>,
/// <c>"1 year 6 months"</c>, <c>"30 minutes"</c> and ISO 8601 periods such as <c>"P90D"</c> or <c>"PT1H"</c>;
/// configuration binds it from those strings.
/// </summary>
[TypeConverter(typeof(TimescaleIntervalConverter))]
public readonly struct TimescaleInterval : IEquatable<TimescaleInterval>, IComparable<TimescaleInterval>
{
    private const long MicrosecondsPerSecond = 1_000_000;
    private const long MicrosecondsPerMinute = 60 * MicrosecondsPerSecond;
    private const long MicrosecondsPerHour = 60 * MicrosecondsPerMinute;
    private const long MicrosecondsPerDay = 24 * MicrosecondsPerHour;

    /// <summary>Creates an interval from its PostgreSQL parts.</summary>
    /// <param name="months">Whole months (a year is 12).</param>
    /// <param name="days">Whole days.</param>
    /// <param name="microseconds">The time part, in microseconds.</param>
    public TimescaleInterval(int months, int days, long microseconds)
    {
        Months = months;
        Days = days;
        Microseconds = microseconds;
    }

    /// <summary>The months part (a year is 12 months).</summary>
    public int Months { get; }

    /// <summary>The days part.</summary>
    public int Days { get; }

    /// <summary>The time part, in microseconds.</summary>
    public long Microseconds { get; }

    /// <summary>Whether every part is zero or more and at least one is above zero.</summary>
    public bool IsPositive => Months >= 0 && Days >= 0 && Microseconds >= 0 && (Months > 0 || Days > 0 || Microseconds > 0);

    /// <summary>
    /// The length in microseconds as PostgreSQL compares intervals: a month counts 30 days and a day 24 hours.
    /// </summary>
    public decimal ComparableMicroseconds => ((decimal)Months * 30 + Days) * MicrosecondsPerDay + Microseconds;

    /// <summary>An interval of <paramref name="years"/> years.</summary>
    /// <param name="years">The number of years.</param>
    /// <returns>The interval.</returns>
    public static TimescaleInterval FromYears(int years) => new(checked(years * 12), 0, 0);

    /// <summary>An interval of <paramref name="months"/> months.</summary>
    /// <param name="months">The number of months.</param>
    /// <returns>The interval.</returns>
    public static TimescaleInterval FromMonths(int months) => new(months, 0, 0);

    /// <summary>An interval of <paramref name="days"/> days.</summary>
    /// <param name="days">The number of days.</param>
    /// <returns>The interval.</returns>
    public static TimescaleInterval FromDays(int days) => new(0, days, 0);

    /// <summary>An interval of <paramref name="hours"/> hours.</summary>
    /// <param name="hours">The number of hours.</param>
    /// <returns>The interval.</returns>
    public static TimescaleInterval FromHours(int hours) => new(0, 0, checked(hours * MicrosecondsPerHour));

    /// <summary>An interval of <paramref name="minutes"/> minutes.</summary>
    /// <param name="minutes">The number of minutes.</param>
    /// <returns>The interval.</returns>
    public static TimescaleInterval FromMinutes(int minutes) => new(0, 0, checked(minutes * MicrosecondsPerMinute));

    /// <summary>An interval with the length of <paramref name="value"/>, kept in the time part.</summary>
    /// <param name="value">The length.</param>
    /// <returns>The interval.</returns>
    public static TimescaleInterval FromTimeSpan(TimeSpan value) => new(0, 0, value.Ticks / 10);

    /// <summary>An interval with the calendar parts of a NodaTime <see cref="Period"/>.</summary>
    /// <param name="period">The period; weeks become 7 days each.</param>
    /// <returns>The interval.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="period"/> is <see langword="null"/>.</exception>
    public static TimescaleInterval FromPeriod(Period period)
    {
        ArgumentNullException.ThrowIfNull(period);
        var time = period.Hours * MicrosecondsPerHour + period.Minutes * MicrosecondsPerMinute + period.Seconds * MicrosecondsPerSecond
            + period.Milliseconds * 1000 + period.Ticks / 10 + period.Nanoseconds / 1000;
        return new TimescaleInterval(checked(period.Years * 12 + period.Months), checked(period.Weeks * 7 + period.Days), time);
    }

    /// <summary>Returns the interval as a NodaTime <see cref="Period"/>.</summary>
    /// <returns>A period with years, months, days and a time part.</returns>
    public Period ToPeriod()
    {
        var builder = new PeriodBuilder
        {
            Years = Months / 12,
            Months = Months % 12,
            Days = Days,
            Hours = Microseconds / MicrosecondsPerHour,
            Minutes = Microseconds % MicrosecondsPerHour / MicrosecondsPerMinute,
            Seconds = Microseconds % MicrosecondsPerMinute / MicrosecondsPerSecond,
            Ticks = Microseconds % MicrosecondsPerSecond * 10,
        };
        return builder.Build();
    }

    /// <summary>Parses <c>"90 days"</c>, <c>"3 months"</c>, <c>"1 year 6 months"</c>, <c>"P90D"</c> and the like.</summary>
    /// <param name="value">The text.</param>
    /// <returns>The interval.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is <see langword="null"/>.</exception>
    /// <exception cref="FormatException">The text is not an interval; the message shows the accepted forms.</exception>
    public static TimescaleInterval Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return TryParse(value, out var result)
            ? result
            : throw new FormatException(
                $"'{value}' is not an interval: write a number and a unit such as '90 days', '3 months', '1 year', '30 minutes', or an ISO 8601 period such as 'P90D' or 'PT1H'.");
    }

    /// <summary>Tries to parse an interval.</summary>
    /// <param name="value">The text.</param>
    /// <param name="result">The interval, when the text is one.</param>
    /// <returns>Whether the text is an interval.</returns>
    public static bool TryParse(string? value, out TimescaleInterval result)
    {
        result = default;
        if (string.IsNullOrWhiteSpace(value))
        {
            return false;
        }

        var text = value.Trim();
        try
        {
            return text[0] is 'P' or 'p' ? TryParseIso(text, out result) : TryParseWords(text, out result);
        }
        catch (OverflowException)
        {
            return false;
        }
    }

    /// <summary>The interval in PostgreSQL's input form, for example <c>1 year 6 months</c> or <c>90 days</c>.</summary>
    /// <returns>Text that both <see cref="Parse"/> and PostgreSQL read back to the same interval.</returns>
    public override string ToString()
    {
        var text = new StringBuilder();
        Append(text, Months / 12, "year");
        Append(text, Months % 12, "month");
        Append(text, Days, "day");
        Append(text, Microseconds / MicrosecondsPerHour, "hour");
        Append(text, Microseconds % MicrosecondsPerHour / MicrosecondsPerMinute, "minute");
        Append(text, Microseconds % MicrosecondsPerMinute / MicrosecondsPerSecond, "second");
        Append(text, Microseconds % MicrosecondsPerSecond / 1000, "millisecond");
        Append(text, Microseconds % 1000, "microsecond");
        return text.Length == 0 ? "0 days" : text.ToString();
    }

    /// <inheritdoc/>
    public bool Equals(TimescaleInterval other) => Months == other.Months && Days == other.Days && Microseconds == other.Microseconds;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is TimescaleInterval other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Months, Days, Microseconds);

    /// <summary>Compares lengths as PostgreSQL does (a month is 30 days).</summary>
    /// <param name="other">The other interval.</param>
    /// <returns>Below zero when this is shorter, zero when as long, above zero when longer.</returns>
    public int CompareTo(TimescaleInterval other) => ComparableMicroseconds.CompareTo(other.ComparableMicroseconds);

    /// <summary>Whether two intervals have the same parts.</summary>
    /// <param name="left">The first interval.</param>
    /// <param name="right">The second interval.</param>
    /// <returns>Whether they are equal.</returns>
    public static bool operator ==(TimescaleInterval left, TimescaleInterval right) => left.Equals(right);

    /// <summary>Whether two intervals differ in any part.</summary>
    /// <param name="left">The first interval.</param>
    /// <param name="right">The second interval.</param>
    /// <returns>Whether they differ.</returns>
    public static bool operator !=(TimescaleInterval left, TimescaleInterval right) => !left.Equals(right);

    /// <summary>Whether <paramref name="left"/> is shorter than <paramref name="right"/>.</summary>
    /// <param name="left">The first interval.</param>
    /// <param name="right">The second interval.</param>
    /// <returns>The comparison.</returns>
    public static bool operator <(TimescaleInterval left, TimescaleInterval right) => left.CompareTo(right) < 0;

    /// <summary>Whether <paramref name="left"/> is shorter than or as long as <paramref name="right"/>.</summary>
    /// <param name="left">The first interval.</param>
    /// <param name="right">The second interval.</param>
    /// <returns>The comparison.</returns>
    public static bool operator <=(TimescaleInterval left, TimescaleInterval right) => left.CompareTo(right) <= 0;

    /// <summary>Whether <paramref name="left"/> is longer than <paramref name="right"/>.</summary>
    /// <param name="left">The first interval.</param>
    /// <param name="right">The second interval.</param>
    /// <returns>The comparison.</returns>
    public static bool operator >(TimescaleInterval left, TimescaleInterval right) => left.CompareTo(right) > 0;

    /// <summary>Whether <paramref name="left"/> is longer than or as long as <paramref name="right"/>.</summary>
    /// <param name="left">The first interval.</param>
    /// <param name="right">The second interval.</param>
    /// <returns>The comparison.</returns>
    public static bool operator >=(TimescaleInterval left, TimescaleInterval right) => left.CompareTo(right) >= 0;

    private static void Append(StringBuilder text, long amount, string unit)
    {
        if (amount == 0)
        {
            return;
        }

        if (text.Length > 0)
        {
            text.Append(' ');
        }

        text.Append(amount.ToString(CultureInfo.InvariantCulture)).Append(' ').Append(unit);
        if (amount != 1)
        {
            text.Append('s');
        }
    }

    private static bool TryParseWords(string text, out TimescaleInterval result)
    {
        result = default;
        var tokens = SplitWords(text);
        if (tokens.Count == 0 || tokens.Count % 2 != 0)
        {
            return false;
        }

        long months = 0, days = 0, micro = 0;
        for (var i = 0; i < tokens.Count; i += 2)
        {
            if (!long.TryParse(tokens[i], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var amount) ||
                !TryAddUnit(tokens[i + 1].ToLowerInvariant(), amount, ref months, ref days, ref micro))
            {
                return false;
            }
        }

        result = new TimescaleInterval(checked((int)months), checked((int)days), micro);
        return true;
    }

    private static List<string> SplitWords(string text)
    {
        // "90days" and "90 days" both read as a number followed by a unit.
        var tokens = new List<string>();
        var i = 0;
        while (i < text.Length)
        {
            if (char.IsWhiteSpace(text[i]) || text[i] == ',')
            {
                i++;
                continue;
            }

            var start = i;
            if (text[i] is '+' or '-' || char.IsAsciiDigit(text[i]))
            {
                i++;
                while (i < text.Length && char.IsAsciiDigit(text[i]))
                {
                    i++;
                }
            }
            else
            {
                while (i < text.Length && char.IsAsciiLetter(text[i]))
                {
                    i++;
                }

                if (i == start)
                {
                    return [];
                }
            }

            tokens.Add(text[start..i]);
        }

        return tokens;
    }

    private static bool TryAddUnit(string unit, long amount, ref long months, ref long days, ref long micro)
    {
        switch (unit)
        {
            case "y" or "yr" or "yrs" or "year" or "years":
                months = checked(months + amount * 12);
                return true;
            case "mon" or "mons" or "month" or "months":
                months = checked(months + amount);
                return true;
            case "w" or "week" or "weeks":
                days = checked(days + amount * 7);
                return true;
            case "d" or "day" or "days":
                days = checked(days + amount);
                return true;
            case "h" or "hr" or "hrs" or "hour" or "hours":
                micro = checked(micro + amount * MicrosecondsPerHour);
                return true;
            case "m" or "min" or "mins" or "minute" or "minutes":
                micro = checked(micro + amount * MicrosecondsPerMinute);
                return true;
            case "s" or "sec" or "secs" or "second" or "seconds":
                micro = checked(micro + amount * MicrosecondsPerSecond);
                return true;
            case "ms" or "millisecond" or "milliseconds":
                micro = checked(micro + amount * 1000);
                return true;
            case "us" or "microsecond" or "microseconds":
                micro = checked(micro + amount);
                return true;
            default:
                return false;
        }
    }

    private static bool TryParseIso(string text, out TimescaleInterval result)
    {
        result = default;
        long months = 0, days = 0, micro = 0;
        var inTime = false;
        var sawPart = false;
        var i = 1;
        while (i < text.Length)
        {
            if (text[i] is 'T' or 't')
            {
                if (inTime)
                {
                    return false;
                }

                inTime = true;
                i++;
                continue;
            }

            var start = i;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                i++;
            }

            if (i == start || i == text.Length)
            {
                return false;
            }

            var amount = long.Parse(text.AsSpan(start, i - start), NumberStyles.None, CultureInfo.InvariantCulture);
            var designator = char.ToUpperInvariant(text[i++]);
            switch (inTime, designator)
            {
                case (false, 'Y'): months = checked(months + amount * 12); break;
                case (false, 'M'): months = checked(months + amount); break;
                case (false, 'W'): days = checked(days + amount * 7); break;
                case (false, 'D'): days = checked(days + amount); break;
                case (true, 'H'): micro = checked(micro + amount * MicrosecondsPerHour); break;
                case (true, 'M'): micro = checked(micro + amount * MicrosecondsPerMinute); break;
                case (true, 'S'): micro = checked(micro + amount * MicrosecondsPerSecond); break;
                default: return false;
            }

            sawPart = true;
        }

        if (!sawPart)
        {
            return false;
        }

        result = new TimescaleInterval(checked((int)months), checked((int)days), micro);
        return true;
    }
}
