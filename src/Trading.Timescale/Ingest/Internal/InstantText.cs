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
}
