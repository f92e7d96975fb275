using NodaTime;
using NodaTime.Text;

namespace Trading.Timescale.Ingest.Internal;

/// <summary>The settings the row rules need: the latest acceptable timestamp and the exchange calendar.</summary>
internal sealed class ValidationContext
{
    private readonly IClock _clock;
    private readonly IngestOptions _options;
    private DateTimeZone? _exchangeZone;

    public ValidationContext(IngestOptions options, IClock clock)
    {
        _clock = clock;
        _options = options;
        FutureTolerance = options.FutureTolerance;
        MaxYearsToExpiration = options.MaxYearsToExpiration;
        Refresh();
    }

    public Duration FutureTolerance { get; }

    /// <summary>The exchange calendar's zone, loaded on first use (only option quotes need it).</summary>
    public DateTimeZone ExchangeZone => _exchangeZone ??= _options.ResolveExchangeZone();

    public int MaxYearsToExpiration { get; }

    /// <summary>The latest timestamp accepted: now plus the tolerance, read when a batch starts.</summary>
    public Instant MaxTimestamp { get; private set; }

    public Instant Now { get; private set; }

    public void Refresh()
    {
        Now = _clock.GetCurrentInstant();
        MaxTimestamp = Now + FutureTolerance;
    }

    public static string Format(Instant value) => InstantPattern.ExtendedIso.Format(value);

    public static string Format(LocalDate value) => LocalDatePattern.Iso.Format(value);

    public static string Format(Duration value) =>
        value.TotalDays >= 1 ? Plural(value.TotalDays, "day")
        : value.TotalHours >= 1 ? Plural(value.TotalHours, "hour")
        : Plural(value.TotalMinutes, "minute");

    private static string Plural(double amount, string unit)
    {
        var rounded = Math.Round(amount, 1);
        return FormattableString.Invariant($"{rounded:0.#} {unit}{(rounded == 1 ? string.Empty : "s")}");
    }
}
