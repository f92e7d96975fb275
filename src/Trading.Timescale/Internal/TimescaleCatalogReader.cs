using Npgsql;
using NodaTime;
using Trading.Timescale.Schema;
using static Trading.Timescale.Internal.PgIdentifier;
using static Trading.Timescale.Operations.Internal.OperationsSql;

namespace Trading.Timescale.Internal;

/// <summary>
/// What a continuous aggregate has materialized and how far it lags, the one definition that schema health, the health
/// check and the statistics share. Read through timescaledb_information and the aggregates' own tables only.
/// </summary>
/// <param name="Name">The view name without the schema.</param>
/// <param name="MaterializedOnly">Whether reads see only materialized buckets.</param>
/// <param name="Materialization">The materialization hypertable, quoted.</param>
/// <param name="NewestBucket">The start of the newest materialized bucket.</param>
/// <param name="MaterializedThrough">The end of the newest materialized bucket (start plus one bucket width).</param>
/// <param name="SourceNewest">The time of the newest row of the hypertable the aggregate reads.</param>
/// <param name="Lag">Source newest minus materialized through, never negative; zero when the source is empty;
/// <see langword="null"/> when nothing is materialized although the source has rows.</param>
/// <param name="State">The materialization state.</param>
/// <param name="RefreshJobId">Its refresh policy's job, if it has one.</param>
/// <param name="RefreshScheduled">Whether that job is scheduled.</param>
/// <param name="LastSuccessfulRefresh">When that job last finished successfully.</param>
/// <param name="NextRefresh">When that job runs next.</param>
internal sealed record AggregateRefresh(
    string Name,
    bool MaterializedOnly,
    string Materialization,
    Instant? NewestBucket,
    Instant? MaterializedThrough,
    Instant? SourceNewest,
    Duration? Lag,
    AggregateMaterialization State,
    int? RefreshJobId,
    bool RefreshScheduled,
    Instant? LastSuccessfulRefresh,
    Instant? NextRefresh);

/// <summary>Reads <see cref="AggregateRefresh"/> for every continuous aggregate of the trading schema (community edition).</summary>
internal static class AggregateRefreshReader
{
    // Each aggregate with its materialization hypertable, the hypertable it reads (the parent's materialization for a
    // hierarchical one), both time columns, and its refresh policy job. Before TimescaleDB 2.23 a refresh job names the
    // materialization hypertable, later the view.
    private static readonly string AggregatesSql = $"""
        SELECT c.view_name::text, c.materialized_only,
               format('%I.%I', c.materialization_hypertable_schema, c.materialization_hypertable_name), md.column_name::text,
               format('%I.%I', c.hypertable_schema, c.hypertable_name), sd.column_name::text,
               j.job_id, coalesce(j.scheduled, false), {Micros("s.last_successful_finish")}, {Micros("s.next_start")},
               CASE WHEN jsonb_typeof(j.config -> 'end_offset') = 'string' THEN {Seconds("(j.config ->> 'end_offset')::interval")} END
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

    public static async Task<List<AggregateRefresh>> ReadAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var aggregates = new List<(string Name, bool MaterializedOnly, string Materialization, string? MaterializedColumn, string Source, string? SourceColumn,
            int? JobId, bool Scheduled, Instant? LastSuccess, Instant? NextStart, double? EndOffsetSeconds)>();
        await foreach (var row in QueryAsync(connection, AggregatesSql, null, cancellationToken).ConfigureAwait(false))
        {
            aggregates.Add((row.GetString(0), row.GetBoolean(1), row.GetString(2), row.String(3), row.GetString(4), row.String(5),
                row.IsDBNull(6) ? null : row.GetInt32(6), row.GetBoolean(7), ReadInstant(row, 8), ReadInstant(row, 9), row.Double(10)));
        }

        var result = new List<AggregateRefresh>(aggregates.Count);
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
            result.Add(new AggregateRefresh(a.Name, a.MaterializedOnly, a.Materialization, bucket, through, source, lag, state, a.JobId, a.Scheduled, a.LastSuccess, a.NextStart));
        }

        return result;
    }
}
