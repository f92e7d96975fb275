using NodaTime;
using Npgsql;

namespace Trading.Timescale.Internal;

/// <summary>
/// The one set of nullable column reads of every capability: one call per column, so the readers may use sequential
/// access.
/// </summary>
internal static class NullableReads
{
    public static decimal? Decimal(this NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetDecimal(ordinal);

    public static double? Double(this NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetDouble(ordinal);

    public static long? Int64(this NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetInt64(ordinal);

    public static Instant? Instant(this NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetFieldValue<Instant>(ordinal);

    public static string? String(this NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    public static Instant RequiredInstant(this NpgsqlDataReader reader, int ordinal) => reader.GetFieldValue<Instant>(ordinal);
}
