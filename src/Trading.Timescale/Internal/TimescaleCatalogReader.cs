using Npgsql;
using NpgsqlTypes;
using NodaTime;
using Trading.Timescale.Schema;
using static Trading.Timescale.Internal.PgIdentifier;
using static Trading.Timescale.Operations.Internal.OperationsSql;

namespace Trading.Timescale.Internal;

/// <summary>
/// The one reader of the database's catalogue for the trading schema: tables and hypertables with their sizes and
/// compression, continuous aggregates with their lag, jobs and chunks. It reads TimescaleDB's public views
/// (<c>timescaledb_information.*</c>) and documented functions only, never its private catalogue.
/// </summary>
internal static class TimescaleCatalogReader
{
    /// <summary>Why a feature the apache edition lacks is not reported.</summary>
    public const string UnavailableOnApache = "unavailable on the apache edition";

    /// <summary>Reads the catalogue; aggregates, jobs and compression on the community edition only.</summary>
    /// <param name="connection">An open connection to the database.</param>
    /// <param name="edition">The edition of its TimescaleDB extension.</param>
    /// <param name="includeChunks">Whether to list every chunk too.</param>
    /// <param name="cancellationToken">Cancels the reading.</param>
    public static async Task<TimescaleCatalog> ReadAsync(NpgsqlConnection connection, TimescaleEdition edition, bool includeChunks, CancellationToken cancellationToken)
    {
        var community = edition == TimescaleEdition.Community;
        var tables = await ReadTablesAsync(connection, community, cancellationToken).ConfigureAwait(false);
        var aggregates = community ? await ReadAggregatesAsync(connection, cancellationToken).ConfigureAwait(false) : null;
        var jobs = community ? await ReadJobsAsync(connection, cancellationToken).ConfigureAwait(false) : null;
        var chunks = includeChunks ? await ReadChunksAsync(connection, community, cancellationToken).ConfigureAwait(false) : [];
        return new TimescaleCatalog(tables, aggregates, jobs, chunks);
    }

    private static async Task<List<CatalogTable>> ReadTablesAsync(NpgsqlConnection connection, bool community, CancellationToken cancellationToken)
    {
        var compression = community
            ? "LEFT JOIN LATERAL hypertable_compression_stats(format('%I.%I', h.hypertable_schema, h.hypertable_name)::regclass) z ON true"
            : "LEFT JOIN (SELECT NULL::bigint AS number_compressed_chunks, NULL::bigint AS before_compression_total_bytes, NULL::bigint AS after_compression_total_bytes) z ON false";
        var sql = $"""
            SELECT h.hypertable_name::text, true, h.num_chunks::bigint, d.time_interval,
                   s.table_bytes, s.index_bytes, s.toast_bytes, s.total_bytes,
                   h.compression_enabled, coalesce(z.number_compressed_chunks, 0)::bigint, z.before_compression_total_bytes, z.after_compression_total_bytes
            FROM timescaledb_information.hypertables h
            LEFT JOIN timescaledb_information.dimensions d
              ON d.hypertable_schema = h.hypertable_schema AND d.hypertable_name = h.hypertable_name AND d.dimension_number = 1
            LEFT JOIN LATERAL hypertable_detailed_size(format('%I.%I', h.hypertable_schema, h.hypertable_name)::regclass) s ON true
            {compression}
            WHERE h.hypertable_schema = 'trading'
            UNION ALL
            SELECT c.relname::text, false, 0::bigint, NULL::interval,
                   pg_table_size(c.oid) - coalesce(pg_total_relation_size(nullif(c.reltoastrelid, 0)), 0),
                   pg_indexes_size(c.oid), coalesce(pg_total_relation_size(nullif(c.reltoastrelid, 0)), 0), pg_total_relation_size(c.oid),
                   false, 0::bigint, NULL::bigint, NULL::bigint
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'trading' AND c.relkind IN ('r', 'p')
              AND NOT EXISTS (SELECT FROM timescaledb_information.hypertables h WHERE h.hypertable_schema = 'trading' AND h.hypertable_name = c.relname)
            ORDER BY 2 DESC, 1
            """;
        var result = new List<CatalogTable>();
        await foreach (var row in QueryAsync(connection, sql, null, cancellationToken).ConfigureAwait(false))
        {
            var hypertable = row.GetBoolean(1);
            result.Add(new CatalogTable(row.GetString(0), hypertable, row.GetInt64(2), ReadInterval(row, 3),
                row.Int64(4) ?? 0, row.Int64(5) ?? 0, row.Int64(6) ?? 0, row.Int64(7) ?? 0,
                community && hypertable ? new CatalogCompression(row.GetBoolean(8), row.GetInt64(9), row.Int64(10), row.Int64(11)) : null));
        }

        return result;
    }

    // Each aggregate with its materialization hypertable, the hypertable it reads (the parent's materialization for a
    // hierarchical one), both time columns, its refresh policy job, its chunks and size. Before TimescaleDB 2.23 a refresh
    // job names the materialization hypertable, later the view.
    private static readonly string AggregatesSql = $"""
        SELECT c.view_name::text, c.materialized_only,
               format('%I.%I', c.materialization_hypertable_schema, c.materialization_hypertable_name), md.column_name::text,
               format('%I.%I', c.hypertable_schema, c.hypertable_name), sd.column_name::text,
               j.job_id, coalesce(j.scheduled, false), {Micros("s.last_successful_finish")}, {Micros("s.next_start")},
               CASE WHEN jsonb_typeof(j.config -> 'end_offset') = 'string' THEN {Seconds("(j.config ->> 'end_offset')::interval")} END,
               (SELECT count(*) FROM show_chunks(format('%I.%I', c.view_schema, c.view_name)::regclass)),
               hypertable_size(format('%I.%I', c.materialization_hypertable_schema, c.materialization_hypertable_name)::regclass)
        FROM timescaledb_information.continuous_aggregates c
        LEFT JOIN timescaledb_information.dimensions md
          ON md.hypertable_schema = c.materialization_hypertable_schema AND md.hypertable_name = c.materialization_hypertable_name AND md.dimension_number = 1
        LEFT JOIN timescaledb_information.dimensions sd
          ON sd.hypertable_schema = c.hypertable_schema AND sd.hypertable_name = c.hypertable_name AND sd.dimension_number = 1
        LEFT JOIN LATERAL (
            SELECT x.job_id, x.scheduled, x.config FROM timescaledb_information.jobs x
            WHERE x.proc_name = 'policy_refresh_continuous_aggregate'
              AND ((x.hypertable_schema = c.view_schema AND x.hypertable_name = c.view_name)
                OR (x.hypertable_schema = c.materialization_hypertable_schema AND x.hypertable_name = c.materialization_hypertable_name))
            ORDER BY x.job_id LIMIT 1) j ON true
        LEFT JOIN timescaledb_information.job_stats s ON s.job_id = j.job_id
        WHERE c.view_schema = 'trading'
        ORDER BY c.view_name
        """;

    private static async Task<List<CatalogAggregate>> ReadAggregatesAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var aggregates = new List<(string Name, bool MaterializedOnly, string Materialization, string? MaterializedColumn, string Source, string? SourceColumn,
            int? JobId, bool Scheduled, Instant? LastSuccess, Instant? NextStart, double? EndOffsetSeconds, long Chunks, long Bytes)>();
        await foreach (var row in QueryAsync(connection, AggregatesSql, null, cancellationToken).ConfigureAwait(false))
        {
            aggregates.Add((row.GetString(0), row.GetBoolean(1), row.GetString(2), row.String(3), row.GetString(4), row.String(5),
                row.IsDBNull(6) ? null : row.GetInt32(6), row.GetBoolean(7), ReadInstant(row, 8), ReadInstant(row, 9), row.Double(10),
                row.GetInt64(11), row.Int64(12) ?? 0));
        }

        var result = new List<CatalogAggregate>(aggregates.Count);
        foreach (var a in aggregates)
        {
            // The hypertables and their time columns come from timescaledb_information; tables are quoted there, columns here.
            var newestBucket = a.MaterializedColumn is null ? "NULL::timestamptz" : $"(SELECT max({Quote(a.MaterializedColumn)}) FROM {a.Materialization})";
            var sourceNewest = a.SourceColumn is null ? "NULL::timestamptz" : $"(SELECT max({Quote(a.SourceColumn)}) FROM {a.Source})";
            Instant? bucket = null, source = null;
            await foreach (var row in QueryAsync(connection, $"SELECT {Micros(newestBucket)}, {Micros(sourceNewest)}", null, cancellationToken).ConfigureAwait(false))
            {
                (bucket, source) = (ReadInstant(row, 0), ReadInstant(row, 1));
            }

            // The bucket width of the library's own definition; an aggregate it does not define counts its newest bucket's start.
            var width = AggregateCatalog.All.FirstOrDefault(c => c.Name == a.Name) is { } known
                ? Duration.FromTicks((long)(known.Bucket.ComparableMicroseconds * 10)) : Duration.Zero;
            var through = bucket + width;
            Duration? lag = source is null ? Duration.Zero : through is null ? null : Duration.Max(Duration.Zero, source.Value - through.Value);
            var state = source is null ? AggregateMaterialization.SourceEmpty
                : through is not null ? AggregateMaterialization.Materialized
                : a.JobId is not null && a.Scheduled && (a.LastSuccess is null
                    || source.Value > a.LastSuccess.Value - Duration.FromSeconds(a.EndOffsetSeconds ?? 0) - width) ? AggregateMaterialization.AwaitingRefresh
                : AggregateMaterialization.NotMaterialized;
            result.Add(new CatalogAggregate(a.Name, a.MaterializedOnly, a.Materialization, bucket, through, source, lag, state,
                a.JobId, a.Scheduled, a.LastSuccess, a.NextStart, a.Chunks, a.Bytes));
        }

        return result;
    }

    private static async Task<List<CatalogJob>> ReadJobsAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var sql = $"""
            SELECT j.job_id, j.application_name::text, coalesce(c.view_name, j.hypertable_name, j.proc_schema || '.' || j.proc_name)::text,
                   j.schedule_interval, j.scheduled, s.last_run_status::text,
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
        var result = new List<CatalogJob>();
        await foreach (var row in QueryAsync(connection, sql, null, cancellationToken).ConfigureAwait(false))
        {
            result.Add(new CatalogJob(row.GetInt32(0), row.GetString(1), row.GetString(2), ReadInterval(row, 3), row.GetBoolean(4), row.String(5),
                ReadInstant(row, 6), ReadInstant(row, 7), ReadInstant(row, 8), row.GetInt64(9), row.GetInt64(10), row.String(11), ReadInstant(row, 12)));
        }

        return result;
    }

    private static async Task<List<CatalogChunk>> ReadChunksAsync(NpgsqlConnection connection, bool community, CancellationToken cancellationToken)
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
        var result = new List<CatalogChunk>();
        await foreach (var row in QueryAsync(connection, sql, null, cancellationToken).ConfigureAwait(false))
        {
            result.Add(new CatalogChunk(row.GetString(0), row.GetString(1), ReadInstant(row, 2), ReadInstant(row, 3), row.GetBoolean(4),
                row.Int64(5) ?? 0, row.Int64(6), row.Int64(7)));
        }

        return result;
    }

    internal static TimescaleInterval? ReadInterval(NpgsqlDataReader row, int ordinal)
    {
        if (row.IsDBNull(ordinal))
        {
            return null;
        }

        var value = row.GetFieldValue<NpgsqlInterval>(ordinal);
        return new TimescaleInterval(value.Months, value.Days, value.Time);
    }
}
