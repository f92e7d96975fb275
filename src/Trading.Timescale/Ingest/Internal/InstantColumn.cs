using NodaTime;
using NpgsqlTypes;

namespace Trading.Timescale.Ingest.Internal;

/// <summary><c>timestamptz</c>. The row's <c>timestamp</c> must not lie further in the future than the tolerance.</summary>
internal sealed class InstantColumn<T>(string name, bool required, bool notInFuture, Func<T, Instant?> get)
    : Column<T, Instant?>(name, "timestamptz", NpgsqlDbType.TimestampTz, required, false, get)
    where T : TradingRecord
{
    /// <summary>PostgreSQL's earliest timestamptz: 4714-11-24 BC (Julian), year -4713 in the proleptic ISO calendar.</summary>
    private static readonly Instant PostgresMinimum = Instant.FromUtc(-4713, 11, 24, 0, 0);

    public override string? Format(T row) => Get(row) is { } value ? ValidationContext.Format(value) : null;

    public override void Parse(ReadOnlySpan<byte> utf8, CsvStrings strings, CsvValues values, int index) => values.SetInstant(index, InstantText.Parse(Name, utf8));

    protected override void WriteValue(BinaryCopyWriter writer, Instant? value) => writer.WriteTimestamp(value!.Value);

    /// <summary>timestamptz keeps microseconds: instants that differ below that are the same key.</summary>
    public override bool KeyEquals(T x, T y) => Microseconds(Get(x)) == Microseconds(Get(y));

    public override int KeyHash(T row) => Microseconds(Get(row)).GetHashCode();

    private static long? Microseconds(Instant? value) => value is { } instant ? BinaryCopyWriter.Microseconds(instant) : null;

    public override ColumnError? Check(T row, ValidationContext context)
    {
        if (Get(row) is not { } value)
        {
            return Required ? Missing() : null;
        }

        if (value == Instant.MinValue || value == Instant.MaxValue)
        {
            return new ColumnError(Name, value == Instant.MinValue ? "-infinity" : "infinity",
                $"{Name} is {(value == Instant.MinValue ? "Instant.MinValue" : "Instant.MaxValue")}, which PostgreSQL would store as {(value == Instant.MinValue ? "-infinity" : "infinity")}; give a real time");
        }

        if (value < PostgresMinimum)
        {
            var early = ValidationContext.Format(value);
            return new ColumnError(Name, early, $"{Name} {early} is before 4713 BC, the earliest time PostgreSQL stores");
        }

        if (value == NodaConstants.UnixEpoch)
        {
            return new ColumnError(Name, ValidationContext.Format(value),
                $"{Name} is not set: 1970-01-01T00:00:00Z is the value of default(Instant)");
        }

        if (notInFuture && value > context.MaxTimestamp)
        {
            var text = ValidationContext.Format(value);
            return new ColumnError(Name, text,
                $"{Name} {text} is {ValidationContext.Format(value - context.Now)} in the future (tolerance {ValidationContext.Format(context.FutureTolerance)}); check the feed's clock and time zone");
        }

        return null;
    }
}
