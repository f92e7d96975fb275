using Npgsql;
using Trading.Timescale.Schema;
using static Trading.Timescale.Internal.PgIdentifier;
using static Trading.Timescale.Operations.Internal.OperationsSql;
using Trading.Timescale.ScaleOut.Internal;
using Trading.Timescale.Internal;

namespace Trading.Timescale.Operations;

public sealed partial class TradingOperations
{
    internal const string UnavailableOnApache = "unavailable on the apache edition";

    /// <summary>
    /// Reads the database's statistics: database size, connections by state, every trading table's size (hypertables with
    /// their chunks), chunks with compression, continuous aggregates with their lag, jobs with their last run and error,
    /// <c>pg_stat_user_tables</c> for the trading tables, and the top statements from <c>pg_stat_statements</c>.
    /// </summary>
    /// <param name="topQueries">How many statements to list from <c>pg_stat_statements</c>.</param>
    /// <param name="cancellationToken">Cancels the reading.</param>
    /// <returns>The statistics; parts the edition or server lacks carry the reason.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="topQueries"/> is negative.</exception>
    /// <exception cref="TradingOperationsException">The timescaledb extension is not created in the database.</exception>
    public async Task<DatabaseStats> GetStatsAsync(int topQueries = 10, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(topQueries);
        var connection = await PrimaryConnection.OpenAsync(_dataSource, cancellationToken).ConfigureAwait(false);
        await using var connectionScope = connection.ConfigureAwait(false);
        var server = await TimescaleServerInfo.DetectAsync(connection, cancellationToken).ConfigureAwait(false);
        if (!server.ExtensionInstalled)
        {
            throw new TradingOperationsException($"the timescaledb extension is not created in database {connection.Database}: run `trading-timescale migrate` first.");
        }

        long takenAt = 0, databaseBytes = 0, maxConnections = 0;
        await foreach (var row in QueryAsync(connection,
            $"SELECT {Micros("now()")}, pg_database_size(current_database()), current_setting('max_connections')::bigint", null, cancellationToken).ConfigureAwait(false))
        {
            (takenAt, databaseBytes, maxConnections) = (row.GetInt64(0), row.GetInt64(1), row.GetInt64(2));
        }

        var connections = new List<ConnectionCount>();
        await foreach (var row in QueryAsync(connection, """
            SELECT coalesce(state, 'unknown'), count(*) FROM pg_stat_activity
            WHERE datname = current_database() AND backend_type = 'client backend'
            GROUP BY 1 ORDER BY 2 DESC, 1
            """, null, cancellationToken).ConfigureAwait(false))
        {
            connections.Add(new ConnectionCount(row.GetString(0), row.GetInt64(1)));
        }

        var community = server.Edition == TimescaleEdition.Community;
        return new DatabaseStats(connection.Database, server, NodaTime.Instant.FromUnixTimeTicks(takenAt * 10), databaseBytes, maxConnections, connections,
            await ReadTableSizesAsync(connection, cancellationToken).ConfigureAwait(false),
            await ReadChunksAsync(connection, community, cancellationToken).ConfigureAwait(false),
            community ? SchemaFeatureHealth<AggregateStats>.Of(await ReadAggregatesAsync(connection, cancellationToken).ConfigureAwait(false))
                : SchemaFeatureHealth<AggregateStats>.Unavailable(UnavailableOnApache + ": the aggregates are plain views computed on read, so they have no lag"),
            community ? SchemaFeatureHealth<JobStats>.Of(await ReadJobsAsync(connection, cancellationToken).ConfigureAwait(false))
                : SchemaFeatureHealth<JobStats>.Unavailable(UnavailableOnApache + ": it has no background jobs; schedule `trading-timescale maintain`"),
            await ReadActivityAsync(connection, cancellationToken).ConfigureAwait(false),
            await ReadTopQueriesAsync(connection, topQueries, cancellationToken).ConfigureAwait(false));
    }

    private static async Task<List<TableSize>> ReadTableSizesAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT h.hypertable_name::text, true, h.num_chunks::bigint, d.table_bytes, d.index_bytes, d.toast_bytes, d.total_bytes
            FROM timescaledb_information.hypertables h
            CROSS JOIN LATERAL hypertable_detailed_size(format('%I.%I', h.hypertable_schema, h.hypertable_name)::regclass) d
            WHERE h.hypertable_schema = 'trading'
            UNION ALL
            SELECT c.relname::text, false, 0::bigint,
                   pg_table_size(c.oid) - coalesce(pg_total_relation_size(nullif(c.reltoastrelid, 0)), 0),
                   pg_indexes_size(c.oid), coalesce(pg_total_relation_size(nullif(c.reltoastrelid, 0)), 0), pg_total_relation_size(c.oid)
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'trading' AND c.relkind IN ('r', 'p')
              AND NOT EXISTS (SELECT FROM timescaledb_information.hypertables h WHERE h.hypertable_schema = 'trading' AND h.hypertable_name = c.relname)
            ORDER BY 7 DESC, 1
            """;
        var result = new List<TableSize>();
        await foreach (var row in QueryAsync(connection, sql, null, cancellationToken).ConfigureAwait(false))
        {
            result.Add(new TableSize(row.GetString(0), row.GetBoolean(1), row.GetInt64(2),
                row.Int64(3) ?? 0, row.Int64(4) ?? 0, row.Int64(5) ?? 0, row.Int64(6) ?? 0));
        }

        return result;
    }

    private static async Task<List<ChunkStats>> ReadChunksAsync(NpgsqlConnection connection, bool community, CancellationToken cancellationToken)
    {
        var compression = community
            ? """
              LEFT JOIN LATERAL chunk_compression_stats(format('%I.%I', c.hypertable_schema, c.hypertable_name)::regclass) z
                ON z.chunk_schema = c.chunk_schema AND z.chunk_name = c.chunk_name AND z.compression_status = 'Compressed'
              """
            : "LEFT JOIN (SELECT NULL::bigint AS before_compression_total_bytes, NULL::bigint AS after_compression_total_bytes) z ON false";
        var sql = $"""
            SELECT c.hypertable_name::text, format('%I.%I', c.chunk_schema, c.chunk_name),
                   {Micros("c.range_start")}, {Micros("c.range_end")}, c.is_compressed, s.total_bytes,
                   z.before_compression_total_bytes, z.after_compression_total_bytes
            FROM timescaledb_information.chunks c
            LEFT JOIN LATERAL chunks_detailed_size(format('%I.%I', c.hypertable_schema, c.hypertable_name)::regclass) s
              ON s.chunk_schema = c.chunk_schema AND s.chunk_name = c.chunk_name
            {compression}
            WHERE c.hypertable_schema = 'trading'
            ORDER BY c.hypertable_name, c.range_start
            """;
        var result = new List<ChunkStats>();
        await foreach (var row in QueryAsync(connection, sql, null, cancellationToken).ConfigureAwait(false))
        {
            result.Add(new ChunkStats(row.GetString(0), row.GetString(1), ReadInstant(row, 2), ReadInstant(row, 3), row.GetBoolean(4),
                row.Int64(5) ?? 0, row.Int64(6), row.Int64(7)));
        }

        return result;
    }

    private static async Task<List<AggregateStats>> ReadAggregatesAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var result = new List<AggregateStats>();
        foreach (var refresh in await AggregateRefreshReader.ReadAsync(connection, cancellationToken).ConfigureAwait(false))
        {
            var bytes = await ScalarAsync<long?>(connection, "SELECT hypertable_size($1::regclass)", cancellationToken, refresh.Materialization).ConfigureAwait(false);
            result.Add(new AggregateStats(refresh.Name, refresh.MaterializedOnly, refresh.NewestBucket, refresh.MaterializedThrough, refresh.Lag, refresh.State, bytes ?? 0));
        }

        return result;
    }

    private static async Task<List<JobStats>> ReadJobsAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var sql = $"""
            SELECT j.job_id, j.application_name::text, coalesce(c.view_name, j.hypertable_name, j.proc_schema || '.' || j.proc_name)::text,
                   {Seconds("j.schedule_interval")}, j.scheduled, s.last_run_status::text,
                   {Micros("s.last_run_started_at")}, {Micros("s.last_successful_finish")}, {Micros("s.next_start")},
                   coalesce(s.total_runs, 0)::bigint, coalesce(s.total_failures, 0)::bigint, e.err_message::text, {Micros("e.finish_time")}
            FROM timescaledb_information.jobs j
            LEFT JOIN timescaledb_information.job_stats s ON s.job_id = j.job_id
            LEFT JOIN timescaledb_information.continuous_aggregates c
              ON c.materialization_hypertable_schema = j.hypertable_schema AND c.materialization_hypertable_name = j.hypertable_name
            LEFT JOIN LATERAL (SELECT x.err_message, x.finish_time FROM timescaledb_information.job_errors x
                               WHERE x.job_id = j.job_id ORDER BY x.finish_time DESC NULLS LAST LIMIT 1) e ON true
            WHERE j.hypertable_schema = 'trading' OR j.proc_schema = 'trading' OR c.view_schema = 'trading'
            ORDER BY j.job_id
            """;
        var result = new List<JobStats>();
        await foreach (var row in QueryAsync(connection, sql, null, cancellationToken).ConfigureAwait(false))
        {
            result.Add(new JobStats(row.GetInt32(0), row.GetString(1), row.GetString(2), ReadDuration(row, 3), row.GetBoolean(4), row.String(5),
                ReadInstant(row, 6), ReadInstant(row, 7), ReadInstant(row, 8), row.GetInt64(9), row.GetInt64(10), row.String(11), ReadInstant(row, 12)));
        }

        return result;
    }

    private static async Task<List<TableActivity>> ReadActivityAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        // A hypertable's rows live in its chunks, so its counters are the parent's plus its chunks'.
        var sql = $"""
            WITH owner AS (
                SELECT t.relid, t.relname::text AS name FROM pg_stat_user_tables t WHERE t.schemaname = 'trading'
                UNION ALL
                SELECT t.relid, c.hypertable_name::text FROM timescaledb_information.chunks c
                JOIN pg_stat_user_tables t ON t.schemaname = c.chunk_schema AND t.relname = c.chunk_name
                WHERE c.hypertable_schema = 'trading')
            SELECT o.name, sum(t.n_tup_ins)::bigint, sum(t.n_tup_upd)::bigint, sum(t.n_tup_del)::bigint, sum(t.n_live_tup)::bigint,
                   sum(t.n_dead_tup)::bigint, sum(t.seq_scan)::bigint, coalesce(sum(t.idx_scan), 0)::bigint,
                   {Micros("max(t.last_vacuum)")}, {Micros("max(t.last_autovacuum)")}, {Micros("max(t.last_analyze)")}, {Micros("max(t.last_autoanalyze)")}
            FROM owner o JOIN pg_stat_user_tables t ON t.relid = o.relid
            GROUP BY o.name ORDER BY o.name
            """;
        var result = new List<TableActivity>();
        await foreach (var row in QueryAsync(connection, sql, null, cancellationToken).ConfigureAwait(false))
        {
            result.Add(new TableActivity(row.GetString(0), row.GetInt64(1), row.GetInt64(2), row.GetInt64(3), row.GetInt64(4), row.GetInt64(5),
                row.GetInt64(6), row.GetInt64(7), ReadInstant(row, 8), ReadInstant(row, 9), ReadInstant(row, 10), ReadInstant(row, 11)));
        }

        return result;
    }

    private static async Task<SchemaFeatureHealth<QueryStats>> ReadTopQueriesAsync(NpgsqlConnection connection, int limit, CancellationToken cancellationToken)
    {
        var schema = await ScalarAsync<string>(connection,
            "SELECT n.nspname::text FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_stat_statements'",
            cancellationToken).ConfigureAwait(false);
        if (schema is null)
        {
            return SchemaFeatureHealth<QueryStats>.Unavailable(
                $"pg_stat_statements is not installed in database {connection.Database}: add it to shared_preload_libraries, restart the server, then run CREATE EXTENSION pg_stat_statements");
        }

        var result = new List<QueryStats>();
        try
        {
            await foreach (var row in QueryAsync(connection, $"""
                SELECT s.query, s.calls, s.total_exec_time, s.mean_exec_time, s.rows
                FROM {Quote(schema)}.pg_stat_statements s
                WHERE s.dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND s.query IS NOT NULL
                ORDER BY s.total_exec_time DESC LIMIT $1
                """, [(long)limit], cancellationToken).ConfigureAwait(false))
            {
                result.Add(new QueryStats(row.GetString(0), row.GetInt64(1), row.GetDouble(2), row.GetDouble(3), row.GetInt64(4)));
            }
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.ObjectNotInPrerequisiteState)
        {
            return SchemaFeatureHealth<QueryStats>.Unavailable(
                $"pg_stat_statements is installed in database {connection.Database} but not loaded: add it to shared_preload_libraries and restart the server ({ex.MessageText})");
        }

        return SchemaFeatureHealth<QueryStats>.Of(result);
    }
}
