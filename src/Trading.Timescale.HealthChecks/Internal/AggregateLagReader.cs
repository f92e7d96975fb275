using Npgsql;

namespace Trading.Timescale.HealthChecks.Internal;

/// <summary>Reads the lag of every continuous aggregate of the trading schema (community edition only).</summary>
internal static class AggregateLagReader
{
    // An aggregate, its source hypertable (a raw table, or the parent's materialization for a hierarchical one) and the
    // source's time column, from TimescaleDB's catalog.
    private const string AggregatesSql = """
        SELECT ca.user_view_name, h.schema_name, h.table_name, d.column_name, ca.mat_hypertable_id
        FROM _timescaledb_catalog.continuous_agg ca
        JOIN _timescaledb_catalog.hypertable h ON h.id = ca.raw_hypertable_id
        JOIN _timescaledb_catalog.dimension d ON d.hypertable_id = h.id AND d.interval_length IS NOT NULL
        WHERE ca.user_view_schema = 'trading'
        ORDER BY ca.user_view_name
        """;

    // Microseconds since the epoch, as the watermark is stored; numeric so that an empty aggregate's minimum cannot overflow.
    private const string LagSqlTemplate = """
        SELECT CASE
                 WHEN src.newest IS NULL THEN 0
                 WHEN wm.value < -200000000000000000 THEN NULL
                 ELSE greatest(0, extract(epoch FROM src.newest) * 1000000 - wm.value::numeric)
               END::double precision
        FROM (SELECT max({0}) AS newest FROM {1}.{2}) src,
             (SELECT _timescaledb_functions.cagg_watermark($1) AS value) wm
        """;

    public static async Task<List<AggregateLag>> ReadAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var aggregates = new List<(string View, string Schema, string Table, string Column, int MatId)>();
        using (var command = new NpgsqlCommand(AggregatesSql, connection))
        {
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    aggregates.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetInt32(4)));
                }
            }
        }

        var result = new List<AggregateLag>(aggregates.Count);
        foreach (var (view, schema, table, column, matId) in aggregates)
        {
            // Identifiers come from TimescaleDB's catalog and are quoted.
            var sql = string.Format(System.Globalization.CultureInfo.InvariantCulture, LagSqlTemplate, Quote(column), Quote(schema), Quote(table));
            using var command = new NpgsqlCommand(sql, connection);
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = matId });
            var value = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            result.Add(new AggregateLag(view, value is double micros ? TimeSpan.FromTicks((long)(micros * 10)) : null));
        }

        return result;
    }

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
