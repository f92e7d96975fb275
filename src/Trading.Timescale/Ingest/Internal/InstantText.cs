using System.Text;
using NodaTime;
using NodaTime.Text;

namespace Trading.Timescale.Ingest.Internal;

/// <summary>Parses ISO 8601 timestamps with a UTC offset: <c>2026-01-05T14:30:00Z</c>, <c>2026-01-05 09:30:00-05</c>, <c>...+05:30</c>.</summary>
internal static class InstantText
{
    public static Instant Parse(string column, string text)
    {
        var trimmed = text.Trim();
        var normalized = trimmed.Length > 10 && trimmed[10] == ' ' ? string.Concat(trimmed.AsSpan(0, 10), "T", trimmed.AsSpan(11)) : trimmed;
        var result = OffsetDateTimePattern.ExtendedIso.Parse(normalized);
        if (result.Success)
        {
            return result.Value.ToInstant();
        }

        return LocalDateTimePattern.ExtendedIso.Parse(normalized).Success
            ? throw new FormatException($"{column} '{text}' has no UTC offset; write it as {normalized}Z or with +hh:mm")
            : throw new FormatException($"{column} '{text}' is not an ISO 8601 timestamp such as 2026-01-05T14:30:00Z");
    }

    /// <summary>
    /// Parses UTF-8 text without allocating for the common forms (<c>yyyy-MM-ddTHH:mm:ss[.fffffffff]</c> with
    /// <c>T</c> or a space, then <c>Z</c>, <c>±HH</c> or <c>±HH:mm</c>); anything else goes through <see cref="Parse(string, string)"/>.
    /// </summary>
    public static Instant Parse(string column, ReadOnlySpan<byte> utf8) =>
        TryParseFast(utf8, out var value) ? value : Parse(column, Encoding.UTF8.GetString(utf8));

    private static bool TryParseFast(ReadOnlySpan<byte> s, out Instant value)
    {
        value = default;
        if (s.Length < 20 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != ' ') || s[13] != ':' || s[16] != ':')
        {
            return false;
        }

        if (!Digits(s, 0, 4, out var year) || !Digits(s, 5, 2, out var month) || !Digits(s, 8, 2, out var day)
            || !Digits(s, 11, 2, out var hour) || !Digits(s, 14, 2, out var minute) || !Digits(s, 17, 2, out var second))
        {
            return false;
        }

        var position = 19;
        long nanos = 0;
        if (s[position] == '.')
        {
            position++;
            var digits = 0;
            while (position < s.Length && (uint)(s[position] - '0') <= 9)
            {
                if (++digits > 9)
                {
                    return false;
                }

                nanos = (nanos * 10) + (s[position++] - '0');
            }

            if (digits == 0)
            {
                return false;
            }

            for (var i = digits; i < 9; i++)
            {
                nanos *= 10;
            }
        }

        if (position >= s.Length)
        {
            return false;
        }

        int offsetSeconds;
        var sign = s[position];
        if (sign == 'Z' && position + 1 == s.Length)
        {
            offsetSeconds = 0;
        }
        else if ((sign == '+' || sign == '-') && Digits(s, position + 1, 2, out var offsetHours) && offsetHours <= 18)
        {
            var rest = s.Length - (position + 3);
            var offsetMinutes = 0;
            if (rest == 3 && s[position + 3] == ':' && Digits(s, position + 4, 2, out offsetMinutes) && offsetMinutes < 60)
            {
            }
            else if (rest != 0)
            {
                return false;
            }

            offsetSeconds = ((offsetHours * 60) + offsetMinutes) * 60 * (sign == '-' ? -1 : 1);
        }
        else
        {
            return false;
        }

        if (year < 1 || month is < 1 or > 12 || day < 1 || day > CalendarSystem.Iso.GetDaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        value = Instant.FromUtc(year, month, day, hour, minute, second) + Duration.FromNanoseconds(nanos) - Duration.FromSeconds(offsetSeconds);
        return true;
    }

    private static bool Digits(ReadOnlySpan<byte> s, int start, int count, out int value)
    {
        value = 0;
        if (start + count > s.Length)
        {
            return false;
        }

        for (var i = start; i < start + count; i++)
        {
            var digit = (uint)(s[i] - '0');
            if (digit > 9)
            {
                return false;
            }

            value = (value * 10) + (int)digit;
        }

        return true;
    }
}
