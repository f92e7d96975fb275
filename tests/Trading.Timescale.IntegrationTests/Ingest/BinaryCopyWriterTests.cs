using NodaTime;
using Npgsql;
using NpgsqlTypes;
using Trading.Timescale.Ingest.Internal;
using Trading.Timescale.IntegrationTests.Infrastructure;

namespace Trading.Timescale.IntegrationTests.Ingest;

/// <summary>
/// The ingest path's own binary COPY encoder stores exactly what Npgsql's parameters store, value by value, for every
/// column type the tables use (edge values included), and an abandoned COPY stores nothing.
/// </summary>
public sealed class BinaryCopyWriterTests(TimescaleServerFixture server) : IngestTest(server)
{
    private static readonly decimal[] Decimals =
    [
        0m, 0.00m, -0.00m, 1m, -1m, 0.0001m, 0.00001m, 0.0000000000000000000000000001m, 50.00m, 50.35m, 9999m, 10000m,
        100000000m, -123456789.123456789m, 12345678901234567890.12345678m, 1.0000000000000000000000000001m,
        decimal.MaxValue, decimal.MinValue, -7.9228162514264337593543950335m, 18446744073709551615m, 18446744073709551616m,
    ];

    [Fact]
    public async Task Numeric_values_match_Npgsql()
    {
        await AssertSameAsync("numeric", Decimals.Select(d => (object?)d).Append(null), NpgsqlDbType.Numeric, (w, v) => w.WriteNumeric((decimal)v));
    }

    [Fact]
    public async Task Timestamps_match_Npgsql_down_to_the_truncated_microsecond()
    {
        Instant[] instants =
        [
            Instant.FromUtc(2026, 3, 2, 14, 30),
            Instant.FromUtc(2026, 3, 2, 14, 30) + Duration.FromNanoseconds(999),
            Instant.FromUtc(2026, 3, 2, 14, 30) + Duration.FromNanoseconds(1_500),
            Instant.FromUtc(1999, 12, 31, 23, 59, 59) + Duration.FromNanoseconds(999_999_999),
            Instant.FromUtc(1999, 12, 31, 23, 59, 59) + Duration.FromNanoseconds(1),
            Instant.FromUtc(2000, 1, 1, 0, 0) - Duration.FromNanoseconds(999),
            Instant.FromUtc(2000, 1, 1, 0, 0) - Duration.FromNanoseconds(1_001),
            Instant.FromUtc(1970, 1, 1, 0, 0) + Duration.FromNanoseconds(500),
            Instant.FromUtc(1970, 1, 1, 0, 0) - Duration.FromNanoseconds(1_500),
            Instant.FromUtc(1812, 6, 24, 3, 0) + Duration.FromNanoseconds(123_456_789),
            Instant.FromUtc(-4713, 11, 24, 0, 0),
            Instant.FromUtc(9999, 12, 31, 23, 59, 59) + Duration.FromNanoseconds(999_999_998),
            Instant.MaxValue,
            Instant.MinValue,
        ];
        await AssertSameAsync("timestamptz", instants.Select(i => (object?)i).Append(null), NpgsqlDbType.TimestampTz, (w, v) => w.WriteTimestamp((Instant)v));
        foreach (var instant in instants[..^2])
        {
            var expected = (long)((instant - Instant.FromUtc(2000, 1, 1, 0, 0)).ToBigIntegerNanoseconds() / 1000);
            Assert.Equal(expected, BinaryCopyWriter.Microseconds(instant));
        }
    }

    [Fact]
    public async Task Dates_match_Npgsql_including_the_infinities()
    {
        LocalDate[] dates = [new(2000, 1, 1), new(1999, 12, 31), new(2026, 12, 18), new(1, 1, 1), new(-500, 3, 1), LocalDate.MinIsoValue, LocalDate.MaxIsoValue];
        await AssertSameAsync("date", dates.Select(d => (object?)d).Append(null), NpgsqlDbType.Date, (w, v) => w.WriteDate((LocalDate)v));
    }

    [Fact]
    public async Task Doubles_bigints_and_integers_match_Npgsql()
    {
        await AssertSameAsync("double precision", new object?[] { 0d, -0d, 1.5, double.Epsilon, 1e308, -2.5e-300, double.NaN, double.PositiveInfinity, null }, NpgsqlDbType.Double, (w, v) => w.WriteDouble((double)v));
        await AssertSameAsync("bigint", new object?[] { 0L, -1L, long.MaxValue, long.MinValue, 10_000L, null }, NpgsqlDbType.Bigint, (w, v) => w.WriteInt64((long)v));
        await AssertSameAsync("integer", new object?[] { 0, -1, int.MaxValue, int.MinValue, null }, NpgsqlDbType.Integer, (w, v) => w.WriteInt32((int)v));
    }

    [Fact]
    public async Task Text_and_jsonb_match_Npgsql_including_values_larger_than_the_buffer()
    {
        var large = string.Concat(Enumerable.Repeat("é漢字😀 ", 40_000));
        await AssertSameAsync("text", new object?[] { string.Empty, "AAPL", "é漢字😀", "a,b\"c\nd", large, null }, NpgsqlDbType.Text, (w, v) => w.WriteText((string)v));
        await AssertSameAsync("jsonb", new object?[] { "{}", "[]", """{"a": [1, 2.5, "x"], "b": {"c": null}}""", "\"漢字😀\"", $"[\"{large}\"]", null }, NpgsqlDbType.Jsonb, (w, v) => w.WriteJsonb((string)v));
    }

    [Fact]
    public async Task Rows_beyond_one_buffer_all_arrive()
    {
        await using var connection = await DataSource.OpenConnectionAsync(Ct);
        await using (var create = new NpgsqlCommand("CREATE TEMP TABLE many (i integer, v numeric)", connection))
        {
            await create.ExecuteNonQueryAsync(Ct);
        }

        await using (var writer = await BinaryCopyWriter.BeginAsync(connection, "COPY many (i, v) FROM STDIN (FORMAT BINARY)", Timeout.InfiniteTimeSpan, Ct))
        {
            for (var i = 0; i < 100_000; i++)
            {
                writer.StartRow(2);
                writer.WriteInt32(i);
                writer.WriteNumeric(i / 100m);
                if (writer.ShouldFlush)
                {
                    await writer.FlushAsync(Ct);
                }
            }

            await writer.CompleteAsync(Ct);
        }

        await using var command = new NpgsqlCommand("SELECT count(*), sum(i)::bigint, sum(v) FROM many", connection);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        Assert.True(await reader.ReadAsync(Ct));
        Assert.Equal((100_000L, 4_999_950_000L, 49_999_500m), (reader.GetInt64(0), reader.GetInt64(1), reader.GetDecimal(2)));
    }

    [Fact]
    public async Task A_copy_disposed_before_it_completes_stores_nothing_and_leaves_the_connection_usable()
    {
        await using var connection = await DataSource.OpenConnectionAsync(Ct);
        await using (var create = new NpgsqlCommand("CREATE TEMP TABLE abandoned (i integer)", connection))
        {
            await create.ExecuteNonQueryAsync(Ct);
        }

        await using (var writer = await BinaryCopyWriter.BeginAsync(connection, "COPY abandoned (i) FROM STDIN (FORMAT BINARY)", Timeout.InfiniteTimeSpan, Ct))
        {
            for (var i = 0; i < 50_000; i++)
            {
                writer.StartRow(1);
                writer.WriteInt32(i);
                if (writer.ShouldFlush)
                {
                    await writer.FlushAsync(Ct);
                }
            }
        }

        await using var count = new NpgsqlCommand("SELECT count(*) FROM abandoned", connection);
        Assert.Equal(0L, await count.ExecuteScalarAsync(Ct));
    }

    /// <summary>Stores each value once through the writer and once as an Npgsql parameter; both columns must read back alike.</summary>
    private async Task AssertSameAsync(string sqlType, IEnumerable<object?> values, NpgsqlDbType dbType, Action<BinaryCopyWriter, object> write)
    {
        var list = values.ToList();
        await using var connection = await DataSource.OpenConnectionAsync(Ct);
        await using (var create = new NpgsqlCommand($"CREATE TEMP TABLE copied (i integer, v {sqlType}); CREATE TEMP TABLE bound (i integer, v {sqlType})", connection))
        {
            await create.ExecuteNonQueryAsync(Ct);
        }

        await using (var writer = await BinaryCopyWriter.BeginAsync(connection, "COPY copied (i, v) FROM STDIN (FORMAT BINARY)", Timeout.InfiniteTimeSpan, Ct))
        {
            for (var i = 0; i < list.Count; i++)
            {
                writer.StartRow(2);
                writer.WriteInt32(i);
                if (list[i] is { } value)
                {
                    write(writer, value);
                }
                else
                {
                    writer.WriteNull();
                }
            }

            await writer.CompleteAsync(Ct);
        }

        for (var i = 0; i < list.Count; i++)
        {
            await using var insert = new NpgsqlCommand("INSERT INTO bound (i, v) VALUES ($1, $2)", connection)
            {
                Parameters = { new NpgsqlParameter { Value = i }, new NpgsqlParameter { Value = list[i] ?? DBNull.Value, NpgsqlDbType = dbType } },
            };
            await insert.ExecuteNonQueryAsync(Ct);
        }

        await using var compare = new NpgsqlCommand(
            "SELECT b.i, b.v::text, c.v::text, b.v IS NOT DISTINCT FROM c.v FROM bound b JOIN copied c USING (i) ORDER BY b.i", connection);
        await using var reader = await compare.ExecuteReaderAsync(Ct);
        var compared = 0;
        while (await reader.ReadAsync(Ct))
        {
            var expected = reader.IsDBNull(1) ? null : reader.GetString(1);
            var actual = reader.IsDBNull(2) ? null : reader.GetString(2);
            Assert.True(expected == actual && reader.GetBoolean(3), $"{sqlType} value {reader.GetInt32(0)}: Npgsql stored {expected?[..Math.Min(80, expected.Length)]}, the writer {actual?[..Math.Min(80, actual.Length)]}");
            compared++;
        }

        Assert.Equal(list.Count, compared);
    }
}
