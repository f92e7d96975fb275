using NodaTime;
using Npgsql;

namespace Trading.Timescale.Queries.Internal;

/// <summary>Nullable column reads, one call per column (the readers use sequential access).</summary>
internal static class ReaderExtensions
{
    public static decimal? Decimal(this NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetDecimal(ordinal);

    public static double? Double(this NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetDouble(ordinal);

    public static long? Int64(this NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetInt64(ordinal);

    public static Instant? Instant(this NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetFieldValue<Instant>(ordinal);

    public static Instant RequiredInstant(this NpgsqlDataReader reader, int ordinal) => reader.GetFieldValue<Instant>(ordinal);
}
