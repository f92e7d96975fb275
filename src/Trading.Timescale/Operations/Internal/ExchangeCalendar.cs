using NodaTime;

namespace Trading.Timescale.Operations.Internal;

/// <summary>The regular sessions of <see cref="DataQualityOptions"/> in the exchange time zone.</summary>
internal static class ExchangeCalendar
{
    /// <summary>The last moment at or before <paramref name="asOf"/> when the market was open: <paramref name="asOf"/> itself during a session, else the last close; null when no session in 30 days.</summary>
    public static Instant? LastOpenMoment(Instant asOf, DateTimeZone zone, DataQualityOptions options)
    {
        var date = asOf.InZone(zone).Date;
        for (var i = 0; i < 30; i++, date = date.PlusDays(-1))
        {
            if (date.DayOfWeek is IsoDayOfWeek.Saturday or IsoDayOfWeek.Sunday || options.Holidays.Contains(date))
            {
                continue;
            }

            var open = date.At(options.SessionOpen).InZoneLeniently(zone).ToInstant();
            var close = date.At(options.EarlyCloses.TryGetValue(date, out var early) ? early : options.SessionClose).InZoneLeniently(zone).ToInstant();
            if (asOf >= close)
            {
                return close;
            }

            if (asOf >= open)
            {
                return asOf;
            }
        }

        return null;
    }
}
