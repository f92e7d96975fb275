using Npgsql;
using NpgsqlTypes;
using NodaTime;
using Trading.Timescale.Internal;

namespace Trading.Timescale.Schema.Internal;

/// <summary>Reads what TimescaleDB reports about the trading schema; features an edition lacks are reported as unavailable.</summary>
internal static class SchemaHealthReader
{
    public const string UnavailableOnApache = "unavailable on the apache edition";

    public static async Task<SchemaHealth> ReadAsync(NpgsqlConnection connection, SchemaStatus status, CancellationToken cancellationToken)
    {
        var server = status.Server;
        var problems = new List<string>();
        var pending = status.Pending.Select(p => p.Id).ToList();
        foreach (var migration in status.Pending)
        {
            problems.Add(migration.Status == SchemaMigrationStatus.Changed
                ? $"migration {migration.Id} ({migration.FileName}) changed after it was applied: restore the file"
                : $"migration {migration.Id} ({migration.FileName}) is pending: run migrate");
        }

        if (!server.ExtensionInstalled)
        {
            problems.Insert(0, $"the timescaledb extension is not created in database {status.Database}: run migrate");
            var reason = "the timescaledb extension is not created in this database";
            return new SchemaHealth(status.Database, server, pending, [],
                SchemaFeatureHealth<ContinuousAggregateHealth>.Unavailable(reason),
                SchemaFeatureHealth<JobHealth>.Unavailable(reason),
                SchemaFeatureHealth<CompressionHealth>.Unavailable(reason),
                problems);
        }

        var hypertables = await ReadHypertablesAsync(connection, cancellationToken).ConfigureAwait(false);
        if (pending.Count == 0)
        {
            foreach (var missing in await ReadMissingAggregatesAsync(connection, cancellationToken).ConfigureAwait(false))
            {
                problems.Add($"aggregate trading.{missing} is missing: run migrate (on the {SchemaSettings.EditionName(server.Edition)} edition it is a {(server.Edition == TimescaleEdition.Community ? "continuous aggregate" : "view")})");
            }
        }

        if (server.Edition != TimescaleEdition.Community)
        {
            return new SchemaHealth(status.Database, server, pending, hypertables,
                SchemaFeatureHealth<ContinuousAggregateHealth>.Unavailable(UnavailableOnApache),
                SchemaFeatureHealth<JobHealth>.Unavailable(UnavailableOnApache),
                SchemaFeatureHealth<CompressionHealth>.Unavailable(UnavailableOnApache),
                problems);
        }

        var aggregates = await ReadAggregatesAsync(connection, cancellationToken).ConfigureAwait(false);
        var jobs = await ReadJobsAsync(connection, cancellationToken).ConfigureAwait(false);
        var compression = await ReadCompressionAsync(connection, cancellationToken).ConfigureAwait(false);
        foreach (var job in jobs.Where(j => j.LastRunStatus == "Failed"))
        {
            problems.Add($"job {job.JobId} ({job.Application}) on {job.Target} failed its last run ({job.TotalFailures} failure(s) in all): see timescaledb_information.job_errors");
        }

        return new SchemaHealth(status.Database, server, pending, hypertables,
            SchemaFeatureHealth<ContinuousAggregateHealth>.Of(aggregates),
            SchemaFeatureHealth<JobHealth>.Of(jobs),
            SchemaFeatureHealth<CompressionHealth>.Of(compression),
            problems);
    }

    private static async Task<List<HypertableHealth>> ReadHypertablesAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT h.hypertable_name, h.num_chunks, d.time_interval,
                   hypertable_size(format('%I.%I', h.hypertable_schema, h.hypertable_name)::regclass)
            FROM timescaledb_information.hypertables h
            LEFT JOIN timescaledb_information.dimensions d
              ON d.hypertable_schema = h.hypertable_schema AND d.hypertable_name = h.hypertable_name AND d.dimension_number = 1
            WHERE h.hypertable_schema = 'trading'
            ORDER BY h.hypertable_name
            """;
        var result = new List<HypertableHealth>();
        await foreach (var row in QueryAsync(connection, sql, cancellationToken).ConfigureAwait(false))
        {
            result.Add(new HypertableHealth(row.GetString(0), row.GetInt64(1), ReadInterval(row, 2), row.IsDBNull(3) ? 0 : row.GetInt64(3)));
        }

        return result;
    }

    private static async Task<List<string>> ReadMissingAggregatesAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        using var command = new NpgsqlCommand(
            "SELECT name FROM unnest($1) WITH ORDINALITY AS a(name, n) WHERE to_regclass(format('trading.%I', name)) IS NULL ORDER BY n", connection);
        command.Parameters.Add(new NpgsqlParameter<string[]>
        {
            TypedValue = AggregateCatalog.All.Select(a => a.Name).ToArray(),
            NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text,
        });
        var missing = new List<string>();
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var readerScope = reader.ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            missing.Add(reader.GetString(0));
        }

        return missing;
    }

    private static async Task<List<ContinuousAggregateHealth>> ReadAggregatesAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT c.view_name, (SELECT count(*) FROM show_chunks(format('%I.%I', c.view_schema, c.view_name)::regclass))
            FROM timescaledb_information.continuous_aggregates c
            WHERE c.view_schema = 'trading'
            """;
        var chunks = new Dictionary<string, long>(StringComparer.Ordinal);
        await foreach (var row in QueryAsync(connection, sql, cancellationToken).ConfigureAwait(false))
        {
            chunks[row.GetString(0)] = row.GetInt64(1);
        }

        var refreshes = await AggregateRefreshReader.ReadAsync(connection, cancellationToken).ConfigureAwait(false);
        return [.. refreshes.Select(r => new ContinuousAggregateHealth(r, chunks.GetValueOrDefault(r.Name)))];
    }

    private static async Task<List<JobHealth>> ReadJobsAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT j.job_id, j.application_name, coalesce(c.view_name, j.hypertable_name, j.proc_schema || '.' || j.proc_name) AS target,
                   j.schedule_interval, j.scheduled, s.last_run_status,
                   CASE WHEN isfinite(s.last_run_started_at) THEN (extract(epoch FROM s.last_run_started_at) * 1000000)::bigint END,
                   CASE WHEN isfinite(s.next_start) THEN (extract(epoch FROM s.next_start) * 1000000)::bigint END,
                   coalesce(s.total_failures, 0)::bigint
            FROM timescaledb_information.jobs j
            LEFT JOIN timescaledb_information.job_stats s ON s.job_id = j.job_id
            LEFT JOIN timescaledb_information.continuous_aggregates c
              ON c.materialization_hypertable_schema = j.hypertable_schema AND c.materialization_hypertable_name = j.hypertable_name
            WHERE j.hypertable_schema = 'trading' OR j.proc_schema = 'trading' OR c.view_schema = 'trading'
            ORDER BY j.job_id
            """;
        var result = new List<JobHealth>();
        await foreach (var row in QueryAsync(connection, sql, cancellationToken).ConfigureAwait(false))
        {
            result.Add(new JobHealth(
                row.GetInt32(0),
                row.GetString(1),
                row.GetString(2),
                ReadInterval(row, 3) ?? default,
                row.GetBoolean(4),
                row.String(5),
                row.IsDBNull(6) ? null : Instant.FromUnixTimeTicks(row.GetInt64(6) * 10),
                row.IsDBNull(7) ? null : Instant.FromUnixTimeTicks(row.GetInt64(7) * 10),
                row.GetInt64(8)));
        }

        return result;
    }

    private static async Task<List<CompressionHealth>> ReadCompressionAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT h.hypertable_name, h.compression_enabled, h.num_chunks,
                   coalesce(s.number_compressed_chunks, 0)::bigint, s.before_compression_total_bytes, s.after_compression_total_bytes
            FROM timescaledb_information.hypertables h
            LEFT JOIN LATERAL hypertable_compression_stats(format('%I.%I', h.hypertable_schema, h.hypertable_name)::regclass) s ON true
            WHERE h.hypertable_schema = 'trading'
            ORDER BY h.hypertable_name
            """;
        var result = new List<CompressionHealth>();
        await foreach (var row in QueryAsync(connection, sql, cancellationToken).ConfigureAwait(false))
        {
            result.Add(new CompressionHealth(
                row.GetString(0), row.GetBoolean(1), row.GetInt64(2), row.GetInt64(3),
                row.Int64(4),
                row.Int64(5)));
        }

        return result;
    }

    private static TimescaleInterval? ReadInterval(NpgsqlDataReader row, int ordinal)
    {
        if (row.IsDBNull(ordinal))
        {
            return null;
        }

        var value = row.GetFieldValue<NpgsqlInterval>(ordinal);
        return new TimescaleInterval(value.Months, value.Days, value.Time);
    }

    private static async IAsyncEnumerable<NpgsqlDataReader> QueryAsync(
        NpgsqlConnection connection, string sql, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var command = new NpgsqlCommand(sql, connection);
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var readerScope = reader.ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return reader;
        }
    }
}
