using Npgsql;
using Trading.Timescale.Schema;
using static Trading.Timescale.Internal.PgIdentifier;
using static Trading.Timescale.Operations.Internal.OperationsSql;
using Trading.Timescale.ScaleOut.Internal;
using Trading.Timescale.Internal;
using static Trading.Timescale.Internal.TimescaleCatalogReader;

namespace Trading.Timescale.Operations;

public sealed partial class TradingOperations
{
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

        var catalog = await TimescaleCatalogReader.ReadAsync(connection, server.Edition, includeChunks: true, cancellationToken).ConfigureAwait(false);
        return new DatabaseStats(connection.Database, server, NodaTime.Instant.FromUnixTimeTicks(takenAt * 10), databaseBytes, maxConnections, connections,
            [.. catalog.Tables.OrderByDescending(t => t.TotalBytes).ThenBy(t => t.Name, StringComparer.Ordinal).Select(t => new TableSize(t))],
            [.. catalog.Chunks.Select(c => new ChunkStats(c))],
            catalog.Aggregates is { } aggregates ? SchemaFeatureHealth<AggregateStats>.Of([.. aggregates.Select(a => new AggregateStats(a))])
                : SchemaFeatureHealth<AggregateStats>.Unavailable(UnavailableOnApache + ": the aggregates are plain views computed on read, so they have no lag"),
            catalog.Jobs is { } jobs ? SchemaFeatureHealth<JobStats>.Of([.. jobs.Select(j => new JobStats(j))])
                : SchemaFeatureHealth<JobStats>.Unavailable(UnavailableOnApache + ": it has no background jobs; schedule `trading-timescale maintain`"),
            await ReadActivityAsync(connection, cancellationToken).ConfigureAwait(false),
            await ReadTopQueriesAsync(connection, topQueries, cancellationToken).ConfigureAwait(false));
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
        catch (PostgresException ex) when (PostgresErrors.IsNotInPrerequisiteState(ex))
        {
            return SchemaFeatureHealth<QueryStats>.Unavailable(
                $"pg_stat_statements is installed in database {connection.Database} but not loaded: add it to shared_preload_libraries and restart the server ({ex.MessageText})");
        }

        return SchemaFeatureHealth<QueryStats>.Of(result);
    }
}
