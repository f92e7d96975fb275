using Npgsql;

namespace Trading.Timescale.Operations.Internal;

/// <summary>
/// Keeps a dump's tables as its snapshot saw them until pg_dump holds its own locks on them.
/// </summary>
/// <remarks>
/// TimescaleDB's compress_chunk and decompress_chunk move a chunk's rows into another table and then truncate or drop
/// the old one. TRUNCATE is not MVCC-safe: a snapshot taken before it sees the truncated table empty, and the table
/// holding the moved rows was created after the snapshot, so pg_dump would dump neither. pg_dump locks its tables only
/// after it imported the snapshot. The backup therefore locks every table pg_dump will dump before the snapshot is
/// taken: the hypertables (with every chunk, as LOCK TABLE takes the children) and the plain tables, in SHARE mode,
/// which also keeps new chunks from being created meanwhile. compress_chunk, decompress_chunk, drop_chunks and the
/// policies that run them lock the uncompressed chunk first, so they wait before they can truncate or drop a chunk or
/// its compressed table; plain writes wait for as long as pg_dump needs to take its locks. The locks are released once
/// pg_dump's session holds ACCESS SHARE on every table of the dump. A chunk operation that wants an ACCESS EXCLUSIVE lock
/// first (drop_chunks, TRUNCATE, ALTER) queues pg_dump behind it while it waits for these locks: that circle is
/// seen in <c>pg_blocking_pids</c>, and the dump is abandoned and taken again.
/// </remarks>
internal static class DumpLocks
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(25);

    public sealed record Relation(uint Oid, string Name);

    // The tables a full dump holds rows of: every table of the trading schema and of the schemas holding chunks and
    // compressed chunks, less the extension's own members (which pg_dump leaves to CREATE EXTENSION).
    private const string FullSql = """
        SELECT c.oid, format('%I.%I', n.nspname, c.relname)
        FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p') AND (n.nspname = 'trading' OR n.nspname = ANY(@schemas))
          AND NOT EXISTS (
              SELECT FROM pg_catalog.pg_depend d
              WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
        ORDER BY c.oid
        """;

    // What the backup locks for a full dump: the tables of the trading schema, every hypertable and every continuous
    // aggregate's materialization hypertable, each with its chunks.
    private const string FullRootsSql = """
        SELECT c.oid, format('%I.%I', n.nspname, c.relname)
        FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p')
          AND (n.nspname = 'trading'
               OR (n.nspname, c.relname) IN (SELECT h.hypertable_schema, h.hypertable_name FROM timescaledb_information.hypertables h)
               OR (n.nspname, c.relname) IN (
                   SELECT a.materialization_hypertable_schema, a.materialization_hypertable_name FROM timescaledb_information.continuous_aggregates a))
        ORDER BY c.oid
        """;

    private const string TablesSql = """
        SELECT c.oid, format('%I.%I', n.nspname, c.relname)
        FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p') AND n.nspname = 'trading' AND c.relname = ANY(@tables)
        ORDER BY c.oid
        """;

    private const string TablesAndChunksSql = """
        SELECT c.oid, format('%I.%I', n.nspname, c.relname)
        FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p')
          AND ((n.nspname = 'trading' AND c.relname = ANY(@tables))
               OR (n.nspname, c.relname) IN (
                   SELECT ch.chunk_schema, ch.chunk_name FROM timescaledb_information.chunks ch
                   WHERE ch.hypertable_schema = 'trading' AND ch.hypertable_name = ANY(@tables)))
        ORDER BY c.oid
        """;

    /// <summary>
    /// The tables of a full dump (<paramref name="tables"/> <see langword="null"/>, <paramref name="chunkSchemas"/> the
    /// schemas of chunks), or of a data dump of <paramref name="tables"/> of the trading schema with their chunks; with
    /// <paramref name="roots"/> the tables whose locks (with their children's) keep those tables as they are.
    /// </summary>
    public static async Task<List<Relation>> ListAsync(
        NpgsqlConnection connection, IReadOnlyList<string> chunkSchemas, IReadOnlyList<string>? tables, bool timescale, bool roots, CancellationToken cancellationToken)
    {
        var sql = (tables, timescale, roots) switch
        {
            (null, true, true) => FullRootsSql,
            (null, _, _) => FullSql,
            (_, true, false) => TablesAndChunksSql,
            _ => TablesSql,
        };
        using var command = new NpgsqlCommand(sql, connection);
        if (tables is null)
        {
            command.Parameters.AddWithValue("schemas", chunkSchemas.ToArray());
        }
        else
        {
            command.Parameters.AddWithValue("tables", tables.ToArray());
        }

        var relations = new List<Relation>();
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                relations.Add(new Relation(reader.GetFieldValue<uint>(0), reader.GetString(1)));
            }
        }

        return relations;
    }

    /// <summary>Locks the tables (and their inheritance children) in <paramref name="share"/> ? SHARE : ACCESS SHARE mode until the transaction ends.</summary>
    public static async Task LockAsync(NpgsqlConnection connection, IReadOnlyList<Relation> relations, bool share, CancellationToken cancellationToken)
    {
        if (relations.Count == 0)
        {
            return;
        }

        // The names come from format('%I.%I'), quoted by the server.
        using var command = new NpgsqlCommand(
            $"LOCK TABLE {string.Join(", ", relations.Select(r => r.Name))} IN {(share ? "SHARE" : "ACCESS SHARE")} MODE", connection) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The tables of <paramref name="relations"/> that this connection's session holds no lock on.</summary>
    public static async Task<List<Relation>> NotHeldAsync(NpgsqlConnection connection, IReadOnlyList<Relation> relations, CancellationToken cancellationToken)
    {
        using var command = new NpgsqlCommand(
            "SELECT l.relation FROM pg_catalog.pg_locks l WHERE l.pid = pg_catalog.pg_backend_pid() AND l.locktype = 'relation' AND l.granted", connection);
        var held = new HashSet<uint>();
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                held.Add(reader.GetFieldValue<uint>(0));
            }
        }

        return [.. relations.Where(r => !held.Contains(r.Oid))];
    }

    /// <summary>
    /// Waits until the session named <paramref name="applicationName"/> holds a granted lock on every one of
    /// <paramref name="relations"/> (<see langword="true"/>), or <paramref name="dump"/> ends while they are all still
    /// held (<see langword="true"/>), or that session waits for a session that waits for <paramref name="holderPid"/>,
    /// the session holding the tables (<see langword="false"/>: neither can go on until the other lets go).
    /// </summary>
    public static async Task<bool> WaitUntilHeldAsync(
        string connectionString, string applicationName, int holderPid, IReadOnlyList<Relation> relations, Task dump, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT a.wait_event_type = 'Lock' AND EXISTS (
                       SELECT FROM unnest(pg_catalog.pg_blocking_pids(a.pid)) AS b(pid)
                       WHERE @holder = ANY(pg_catalog.pg_blocking_pids(b.pid))),
                   (SELECT count(DISTINCT l.relation) FROM pg_catalog.pg_locks l
                    WHERE l.pid = a.pid AND l.granted AND l.locktype = 'relation' AND l.relation = ANY(@oids))
            FROM pg_catalog.pg_stat_activity a
            WHERE a.application_name = @application
            """;
        var oids = relations.Select(r => r.Oid).Distinct().ToArray();
        var monitor = new NpgsqlConnection(connectionString);
        await using (monitor.ConfigureAwait(false))
        {
            await monitor.OpenAsync(cancellationToken).ConfigureAwait(false);
            using var command = new NpgsqlCommand(sql, monitor);
            command.Parameters.Add(new NpgsqlParameter("oids", NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Oid) { Value = oids });
            command.Parameters.AddWithValue("application", applicationName);
            command.Parameters.AddWithValue("holder", holderPid);
            while (!dump.IsCompleted)
            {
                var (seen, circular, held) = (false, false, 0L);
                var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        (seen, circular, held) = (true, !reader.IsDBNull(0) && reader.GetBoolean(0), reader.GetInt64(1));
                    }
                }

                if (seen && held >= oids.Length)
                {
                    return true;
                }

                if (circular)
                {
                    return false;
                }

                await Task.WhenAny(dump, Task.Delay(PollInterval, cancellationToken)).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
            }
        }

        return true;
    }
}
