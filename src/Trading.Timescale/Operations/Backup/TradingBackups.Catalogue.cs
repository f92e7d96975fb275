using System.Data;
using Npgsql;
using NodaTime;
using Trading.Timescale.Schema;

namespace Trading.Timescale.Operations;

// What backups read from the catalogues: the trading tables, chunks and their schemas, the extension's configuration tables and the schema journal.
public sealed partial class TradingBackups
{
    private const string TradingTableCountSql = """
        SELECT count(*) FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'trading' AND c.relkind IN ('r', 'p')
        """;

    private sealed record TableName(string Schema, string Table)
    {
        public string Name => Schema + "." + Table;
    }

    private static async Task<List<TableName>> TradingTablesAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT n.nspname, c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'trading' AND c.relkind IN ('r', 'p') ORDER BY c.relname
            """;
        var tables = new List<TableName>();
        using var command = new NpgsqlCommand(sql, connection);
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                tables.Add(new TableName(reader.GetString(0), reader.GetString(1)));
            }
        }

        return tables;
    }

    private static List<TableName> ResolveTables(IReadOnlyList<string> requested, List<TableName> tables)
    {
        var resolved = new List<TableName>();
        foreach (var name in requested)
        {
            var trimmed = name.Trim();
            var bare = trimmed.StartsWith("trading.", StringComparison.OrdinalIgnoreCase) ? trimmed["trading.".Length..] : trimmed;
            var match = tables.FirstOrDefault(t => string.Equals(t.Table, bare, StringComparison.OrdinalIgnoreCase))
                ?? throw new TradingBackupException(
                    $"table \"{name}\" is not a table of the trading schema; nothing was written. Tables: {(tables.Count == 0 ? "none (run migrate first)" : string.Join(", ", tables.Select(t => t.Name)))}.");
            if (!resolved.Contains(match))
            {
                resolved.Add(match);
            }
        }

        return resolved;
    }

    // The schemas whose table data a schema backup leaves out: every schema holding chunks, and every schema of the
    // extension that holds none of its configuration tables (compressed chunks live there too). Read from
    // timescaledb_information and PostgreSQL's own catalog of extension members.
    private const string ChunkSchemasSql = """
        SELECT c.chunk_schema::text FROM timescaledb_information.chunks c
        UNION
        SELECT n.nspname::text
        FROM pg_catalog.pg_extension e
        JOIN pg_catalog.pg_depend d ON d.refclassid = 'pg_catalog.pg_extension'::regclass AND d.refobjid = e.oid AND d.deptype = 'e'
             AND d.classid = 'pg_catalog.pg_namespace'::regclass
        JOIN pg_catalog.pg_namespace n ON n.oid = d.objid
        WHERE e.extname = 'timescaledb'
          AND NOT EXISTS (SELECT FROM unnest(e.extconfig) AS config(relid) JOIN pg_catalog.pg_class t ON t.oid = config.relid WHERE t.relnamespace = n.oid)
        ORDER BY 1
        """;

    // TimescaleDB's configuration tables (the extension's catalog, whose rows pg_dump keeps), from pg_extension.extconfig.
    private const string ExtensionConfigTablesSql = """
        SELECT n.nspname::text, t.relname::text
        FROM pg_catalog.pg_extension e
        CROSS JOIN LATERAL unnest(e.extconfig) AS config(relid)
        JOIN pg_catalog.pg_class t ON t.oid = config.relid
        JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace
        WHERE e.extname = 'timescaledb'
        """;

    private static async Task<List<string>> ChunkSchemasAsync(NpgsqlConnection connection, TimescaleServerInfo server, CancellationToken cancellationToken)
    {
        var schemas = new List<string>();
        if (!server.ExtensionInstalled)
        {
            return schemas;
        }

        using var command = new NpgsqlCommand(ChunkSchemasSql, connection);
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                schemas.Add(reader.GetString(0));
            }
        }

        return schemas;
    }

    private static async Task<HashSet<(string Schema, string Table)>> ExtensionConfigTablesAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var tables = new HashSet<(string, string)>();
        using var command = new NpgsqlCommand(ExtensionConfigTablesSql, connection);
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                tables.Add((reader.GetString(0), reader.GetString(1)));
            }
        }

        return tables;
    }

    private static async Task<List<(string Schema, string Table)>> ChunksAsync(NpgsqlConnection connection, TimescaleServerInfo server, List<TableName> tables, CancellationToken cancellationToken)
    {
        var chunks = new List<(string, string)>();
        if (!server.ExtensionInstalled)
        {
            return chunks;
        }

        // The chunks of the hypertables. A compressed chunk keeps its rows in a table that no public view names.
        const string sql = """
            SELECT c.hypertable_name::text, c.chunk_schema::text, c.chunk_name::text, c.is_compressed
            FROM timescaledb_information.chunks c
            WHERE c.hypertable_schema = @schema AND c.hypertable_name = ANY(@tables)
            ORDER BY c.hypertable_name, c.range_start, c.chunk_name
            """;
        using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("schema", "trading");
        command.Parameters.AddWithValue("tables", tables.Select(t => t.Table).ToArray());
        var compressed = new List<(string Hypertable, string Chunk)>();
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                chunks.Add((reader.GetString(1), reader.GetString(2)));
                if (reader.GetBoolean(3))
                {
                    compressed.Add(("trading." + reader.GetString(0), reader.GetString(1) + "." + reader.GetString(2)));
                }
            }
        }

        if (compressed.Count > 0)
        {
            var byTable = compressed.GroupBy(c => c.Hypertable).Select(g => $"{g.Key} has {g.Count()} compressed chunk(s) ({string.Join(", ", g.Take(3).Select(c => c.Chunk))}{(g.Count() > 3 ? ", ..." : "")})");
            throw new TradingBackupException(
                $"a data backup cannot hold compressed chunks: {string.Join("; ", byTable)}, and TimescaleDB names the tables of their compressed rows in no public view; nothing was written. " +
                "Take a full backup, or decompress them first: SELECT decompress_chunk(c, true) FROM show_chunks('TABLE') c.");
        }

        return chunks;
    }

    private static async Task<List<BackupJournalEntry>> JournalAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var journal = new List<BackupJournalEntry>();
        if (await ScalarAsync(connection, "SELECT to_regclass('trading.schema_migrations') IS NOT NULL", cancellationToken).ConfigureAwait(false) is not true)
        {
            return journal;
        }

        using var command = new NpgsqlCommand(
            "SELECT id, kind, edition, file_name, checksum, applied_at FROM trading.schema_migrations ORDER BY kind DESC, id", connection);
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                journal.Add(new BackupJournalEntry(
                    reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                    Instant.FromDateTimeUtc(DateTime.SpecifyKind(reader.GetDateTime(5), DateTimeKind.Utc))));
            }
        }

        return journal;
    }

    private static async Task<int> ServerMajorAsync(NpgsqlConnection connection, CancellationToken cancellationToken) =>
        int.Parse((string)(await ScalarAsync(connection, "SHOW server_version_num", cancellationToken).ConfigureAwait(false))!, System.Globalization.CultureInfo.InvariantCulture) / 10000;

    private static async Task<bool> DatabaseExistsAsync(NpgsqlConnection connection, string database, CancellationToken cancellationToken)
    {
        using var command = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_database WHERE datname = @name)", connection);
        command.Parameters.AddWithValue("name", database);
        return (bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }
}
