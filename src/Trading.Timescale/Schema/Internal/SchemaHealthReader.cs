using Npgsql;
using NpgsqlTypes;
using Trading.Timescale.Internal;

namespace Trading.Timescale.Schema.Internal;

/// <summary>Reads what TimescaleDB reports about the trading schema; features an edition lacks are reported as unavailable.</summary>
internal static class SchemaHealthReader
{
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

        var catalog = await TimescaleCatalogReader.ReadAsync(connection, server.Edition, includeChunks: false, cancellationToken).ConfigureAwait(false);
        var hypertables = catalog.Hypertables.Select(h => new HypertableHealth(h)).ToList();
        if (pending.Count == 0)
        {
            foreach (var missing in await ReadMissingAggregatesAsync(connection, cancellationToken).ConfigureAwait(false))
            {
                problems.Add($"aggregate trading.{missing} is missing: run migrate (on the {SchemaSettings.EditionName(server.Edition)} edition it is a {(server.Edition == TimescaleEdition.Community ? "continuous aggregate" : "view")})");
            }
        }

        if (catalog.Aggregates is null || catalog.Jobs is null)
        {
            return new SchemaHealth(status.Database, server, pending, hypertables,
                SchemaFeatureHealth<ContinuousAggregateHealth>.Unavailable(TimescaleCatalogReader.UnavailableOnApache),
                SchemaFeatureHealth<JobHealth>.Unavailable(TimescaleCatalogReader.UnavailableOnApache),
                SchemaFeatureHealth<CompressionHealth>.Unavailable(TimescaleCatalogReader.UnavailableOnApache),
                problems);
        }

        var jobs = catalog.Jobs.Select(j => new JobHealth(j)).ToList();
        problems.AddRange(jobs.Select(j => j.Failure).OfType<string>());
        return new SchemaHealth(status.Database, server, pending, hypertables,
            SchemaFeatureHealth<ContinuousAggregateHealth>.Of([.. catalog.Aggregates.Select(a => new ContinuousAggregateHealth(a))]),
            SchemaFeatureHealth<JobHealth>.Of(jobs),
            SchemaFeatureHealth<CompressionHealth>.Of([.. catalog.Hypertables.Select(h => new CompressionHealth(h))]),
            problems);
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
}
