using Npgsql;
using NodaTime;

namespace Trading.Timescale.Schema.Internal;

/// <summary>The journal of applied schema files, <c>trading.schema_migrations</c>.</summary>
internal static class SchemaJournal
{
    public const string TableName = "trading.schema_migrations";

    public const string CreateSql = """
        CREATE SCHEMA IF NOT EXISTS trading;
        CREATE TABLE IF NOT EXISTS trading.schema_migrations (
            id text PRIMARY KEY,
            kind text NOT NULL CHECK (kind IN ('versioned', 'repeatable')),
            edition text NOT NULL CHECK (edition IN ('community', 'apache')),
            file_name text NOT NULL,
            checksum text NOT NULL,
            applied_at timestamptz NOT NULL DEFAULT clock_timestamp(),
            execution_ms integer NOT NULL,
            installed_by text NOT NULL DEFAULT current_user,
            product_version text NOT NULL
        );
        """;

    /// <summary>Writes a journal row; a repeatable script's row is replaced each time it runs.</summary>
    public const string UpsertSql = """
        INSERT INTO trading.schema_migrations (id, kind, edition, file_name, checksum, applied_at, execution_ms, installed_by, product_version)
        VALUES ($1, $2, $3, $4, $5, clock_timestamp(), $6, current_user, $7)
        ON CONFLICT (id) DO UPDATE SET kind = EXCLUDED.kind, edition = EXCLUDED.edition, file_name = EXCLUDED.file_name,
            checksum = EXCLUDED.checksum, applied_at = EXCLUDED.applied_at, execution_ms = EXCLUDED.execution_ms,
            installed_by = EXCLUDED.installed_by, product_version = EXCLUDED.product_version
        """;

    private const string SelectColumns = """
        id, kind, edition, file_name, checksum, (extract(epoch FROM applied_at) * 1000000)::bigint, execution_ms, installed_by, product_version
        """;

    public static async Task<bool> ExistsAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        using var command = new NpgsqlCommand("SELECT to_regclass('trading.schema_migrations') IS NOT NULL", connection);
        return (bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    public static async Task EnsureAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        if (await ExistsAsync(connection, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        using var command = new NpgsqlCommand(CreateSql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public static async Task<List<SchemaMigrationRecord>> ReadAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var records = new List<SchemaMigrationRecord>();
        if (!await ExistsAsync(connection, cancellationToken).ConfigureAwait(false))
        {
            return records;
        }

        using var command = new NpgsqlCommand($"SELECT {SelectColumns} FROM trading.schema_migrations ORDER BY kind DESC, id", connection);
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var readerScope = reader.ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            records.Add(Read(reader));
        }

        return records;
    }

    public static async Task<SchemaMigrationRecord> WriteAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, MigrationScript script, string edition, long elapsedMs, CancellationToken cancellationToken)
    {
        using var command = new NpgsqlCommand(UpsertSql + " RETURNING " + SelectColumns, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = script.Id });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = script.KindName });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = edition });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = script.Path });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = script.Checksum });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = (int)Math.Min(elapsedMs, int.MaxValue) });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Trading.Timescale.Internal.ProductInfo.Version });
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var readerScope = reader.ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return Read(reader);
    }

    private static SchemaMigrationRecord Read(NpgsqlDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1) == "repeatable" ? SchemaMigrationKind.Repeatable : SchemaMigrationKind.Versioned,
        reader.GetString(2),
        reader.GetString(3),
        reader.GetString(4),
        Instant.FromUnixTimeTicks(reader.GetInt64(5) * 10),
        TimeSpan.FromMilliseconds(reader.GetInt32(6)),
        reader.GetString(7),
        reader.GetString(8));
}
