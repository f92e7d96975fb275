using System.Text;
using NodaTime;
using Npgsql;
using NpgsqlTypes;

namespace Trading.Timescale.Benchmarks;

/// <summary>What a careful hand-written Npgsql program does, to measure the library against.</summary>
internal static class Baselines
{
    private const string Columns = "symbol, \"timestamp\", open_price, high_price, low_price, close_price, volume, vwap, market_cap, shares_outstanding";

    /// <summary>Binary COPY with typed async writes: the fastest way Npgsql offers.</summary>
    public static async Task RawCopyAsync(NpgsqlDataSource dataSource, IEnumerable<StockPrice> rows)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var writer = await connection.BeginBinaryImportAsync($"COPY trading.stock_prices ({Columns}) FROM STDIN (FORMAT BINARY)");
        foreach (var r in rows)
        {
            await writer.StartRowAsync();
            await writer.WriteAsync(r.Symbol, NpgsqlDbType.Varchar);
            await writer.WriteAsync(r.Timestamp, NpgsqlDbType.TimestampTz);
            await writer.WriteAsync(r.OpenPrice, NpgsqlDbType.Numeric);
            await writer.WriteAsync(r.HighPrice, NpgsqlDbType.Numeric);
            await writer.WriteAsync(r.LowPrice, NpgsqlDbType.Numeric);
            await writer.WriteAsync(r.ClosePrice, NpgsqlDbType.Numeric);
            await writer.WriteAsync(r.Volume, NpgsqlDbType.Bigint);
            await writer.WriteAsync(r.Vwap, NpgsqlDbType.Numeric);
            await writer.WriteAsync(r.MarketCap, NpgsqlDbType.Bigint);
            await writer.WriteAsync(r.SharesOutstanding, NpgsqlDbType.Bigint);
        }

        await writer.CompleteAsync();
    }

    /// <summary>Multi-row INSERT ... VALUES with 1,000 rows (10,000 parameters) per statement, in one transaction.</summary>
    public static async Task MultiRowInsertAsync(NpgsqlDataSource dataSource, StockPrice[] rows, int rowsPerStatement = 1_000)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        string? fullSql = null;
        for (var start = 0; start < rows.Length; start += rowsPerStatement)
        {
            var count = Math.Min(rowsPerStatement, rows.Length - start);
            var sql = count == rowsPerStatement ? fullSql ??= InsertSql(count) : InsertSql(count);
            await using var command = new NpgsqlCommand(sql, connection, transaction);
            for (var i = start; i < start + count; i++)
            {
                var r = rows[i];
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = r.Symbol, NpgsqlDbType = NpgsqlDbType.Varchar });
                command.Parameters.Add(new NpgsqlParameter<Instant> { TypedValue = r.Timestamp, NpgsqlDbType = NpgsqlDbType.TimestampTz });
                command.Parameters.Add(new NpgsqlParameter<decimal?> { TypedValue = r.OpenPrice, NpgsqlDbType = NpgsqlDbType.Numeric });
                command.Parameters.Add(new NpgsqlParameter<decimal?> { TypedValue = r.HighPrice, NpgsqlDbType = NpgsqlDbType.Numeric });
                command.Parameters.Add(new NpgsqlParameter<decimal?> { TypedValue = r.LowPrice, NpgsqlDbType = NpgsqlDbType.Numeric });
                command.Parameters.Add(new NpgsqlParameter<decimal?> { TypedValue = r.ClosePrice, NpgsqlDbType = NpgsqlDbType.Numeric });
                command.Parameters.Add(new NpgsqlParameter<long?> { TypedValue = r.Volume, NpgsqlDbType = NpgsqlDbType.Bigint });
                command.Parameters.Add(new NpgsqlParameter<decimal?> { TypedValue = r.Vwap, NpgsqlDbType = NpgsqlDbType.Numeric });
                command.Parameters.Add(new NpgsqlParameter<long?> { TypedValue = r.MarketCap, NpgsqlDbType = NpgsqlDbType.Bigint });
                command.Parameters.Add(new NpgsqlParameter<long?> { TypedValue = r.SharesOutstanding, NpgsqlDbType = NpgsqlDbType.Bigint });
            }

            await command.ExecuteNonQueryAsync();
        }

        await transaction.CommitAsync();
    }

    /// <summary>Reads one symbol's range with a plain NpgsqlDataReader loop, every column into locals.</summary>
    public static async Task<long> RawReadAsync(NpgsqlDataSource dataSource, string symbol, Instant from, Instant to)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var command = new NpgsqlCommand(
            $"SELECT {Columns}, id, created_at, updated_at FROM trading.stock_prices WHERE symbol = $1 AND \"timestamp\" >= $2 AND \"timestamp\" < $3 ORDER BY \"timestamp\"",
            connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = symbol, NpgsqlDbType = NpgsqlDbType.Varchar });
        command.Parameters.Add(new NpgsqlParameter<Instant> { TypedValue = from, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter<Instant> { TypedValue = to, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        await using var reader = await command.ExecuteReaderAsync();
        long checksum = 0;
        while (await reader.ReadAsync())
        {
            var s = reader.GetString(0);
            var ts = reader.GetFieldValue<Instant>(1);
            var open = reader.IsDBNull(2) ? (decimal?)null : reader.GetDecimal(2);
            var high = reader.IsDBNull(3) ? (decimal?)null : reader.GetDecimal(3);
            var low = reader.IsDBNull(4) ? (decimal?)null : reader.GetDecimal(4);
            var close = reader.IsDBNull(5) ? (decimal?)null : reader.GetDecimal(5);
            var volume = reader.IsDBNull(6) ? (long?)null : reader.GetInt64(6);
            var vwap = reader.IsDBNull(7) ? (decimal?)null : reader.GetDecimal(7);
            var cap = reader.IsDBNull(8) ? (long?)null : reader.GetInt64(8);
            var shares = reader.IsDBNull(9) ? (long?)null : reader.GetInt64(9);
            var id = reader.GetInt64(10);
            var created = reader.IsDBNull(11) ? (Instant?)null : reader.GetFieldValue<Instant>(11);
            var updated = reader.IsDBNull(12) ? (Instant?)null : reader.GetFieldValue<Instant>(12);
            checksum += s.Length + ts.ToUnixTimeTicks() % 7 + (open.HasValue ? 1 : 0) + (high.HasValue ? 1 : 0) + (low.HasValue ? 1 : 0)
                + (close.HasValue ? 1 : 0) + (volume ?? 0) % 3 + (vwap.HasValue ? 1 : 0) + (cap ?? 0) % 5 + (shares ?? 0) % 2 + id % 11
                + (created.HasValue ? 1 : 0) + (updated.HasValue ? 1 : 0);
        }

        return checksum;
    }

    private static string InsertSql(int rows)
    {
        var sql = new StringBuilder($"INSERT INTO trading.stock_prices ({Columns}) VALUES ");
        for (var r = 0; r < rows; r++)
        {
            sql.Append(r == 0 ? "(" : ",(");
            for (var c = 0; c < 10; c++)
            {
                sql.Append(c == 0 ? "$" : ",$").Append((r * 10) + c + 1);
            }

            sql.Append(')');
        }

        return sql.ToString();
    }
}
