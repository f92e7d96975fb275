using System.CommandLine;
using System.Text.Json.Nodes;
using Trading.Timescale.Schema;

namespace Trading.Timescale.Cli.Commands;

/// <summary><c>trading-timescale health</c>: TimescaleDB, migrations, hypertables, aggregates, policies and compression.</summary>
internal static class HealthCommand
{
    public static Command Create()
    {
        var command = new Command("health", "Reports the TimescaleDB version and edition, pending migrations, hypertables with chunk counts, and continuous aggregates, policies and compression where the edition has them. Exit code 1 when a problem is found.");
        command.SetAction(CliContext.Action(async (context, cancellationToken) =>
        {
            var dataSource = context.OpenDataSource();
            await using var dataSourceScope = dataSource.ConfigureAwait(false);
            var health = await new TradingSchemaInstaller(dataSource, new TradingTimescaleOptions()).CheckHealthAsync(cancellationToken).ConfigureAwait(false);
            if (context.Json)
            {
                await CliFormat.WriteJsonAsync(context.Output, ToJson(health)).ConfigureAwait(false);
            }
            else
            {
                await WriteTextAsync(context.Output, health).ConfigureAwait(false);
            }

            if (health.IsHealthy)
            {
                return 0;
            }

            await context.Error.WriteLineAsync($"trading-timescale: database {health.Database} is not healthy: {string.Join("; ", health.Problems)}").ConfigureAwait(false);
            return 1;
        }));
        return command;
    }

    private static JsonObject ToJson(SchemaHealth health) => new()
    {
        ["database"] = health.Database,
        ["server"] = CliFormat.Server(health.Server),
        ["healthy"] = health.IsHealthy,
        ["problems"] = new JsonArray([.. health.Problems.Select(p => (JsonNode)p)]),
        ["pendingMigrations"] = new JsonArray([.. health.PendingMigrations.Select(p => (JsonNode)p)]),
        ["hypertables"] = new JsonArray([.. health.Hypertables.Select(h => (JsonNode)new JsonObject
        {
            ["name"] = h.Name,
            ["chunks"] = h.ChunkCount,
            ["chunkInterval"] = h.ChunkInterval?.ToString(),
            ["totalBytes"] = h.TotalBytes,
        })]),
        ["continuousAggregates"] = CliFormat.Feature(health.ContinuousAggregates, a => new JsonObject
        {
            ["name"] = a.Name,
            ["materializedOnly"] = a.MaterializedOnly,
            ["chunks"] = a.ChunkCount,
            ["materialization"] = a.Materialization.ToString(),
            ["materializedThrough"] = CliFormat.Iso(a.MaterializedThrough),
            ["lagSeconds"] = a.Lag?.TotalSeconds,
            ["refreshJob"] = a.RefreshJobId,
        }),
        ["jobs"] = CliFormat.Feature(health.Jobs, j => new JsonObject
        {
            ["id"] = j.JobId,
            ["application"] = j.Application,
            ["target"] = j.Target,
            ["schedule"] = j.ScheduleInterval.ToString(),
            ["scheduled"] = j.Scheduled,
            ["lastRunStatus"] = j.LastRunStatus,
            ["lastRunStartedAt"] = CliFormat.Iso(j.LastRunStartedAt),
            ["nextStart"] = CliFormat.Iso(j.NextStart),
            ["totalFailures"] = j.TotalFailures,
        }),
        ["compression"] = CliFormat.Feature(health.Compression, c => new JsonObject
        {
            ["hypertable"] = c.Hypertable,
            ["enabled"] = c.Enabled,
            ["chunks"] = c.TotalChunks,
            ["compressedChunks"] = c.CompressedChunks,
            ["bytesBefore"] = c.BytesBeforeCompression,
            ["bytesAfter"] = c.BytesAfterCompression,
        }),
    };

    private static async Task WriteTextAsync(TextWriter output, SchemaHealth health)
    {
        await output.WriteLineAsync($"Database {health.Database} on {health.Server}").ConfigureAwait(false);
        await output.WriteLineAsync(health.PendingMigrations.Count == 0
            ? "Migrations: up to date"
            : $"Migrations: {health.PendingMigrations.Count} pending ({string.Join(", ", health.PendingMigrations)})").ConfigureAwait(false);

        await output.WriteLineAsync().ConfigureAwait(false);
        await output.WriteLineAsync("Hypertables:").ConfigureAwait(false);
        var hypertables = new TextTable("NAME", "CHUNKS", "CHUNK INTERVAL", "SIZE");
        foreach (var h in health.Hypertables)
        {
            hypertables.Add(h.Name, CliFormat.Number(h.ChunkCount), h.ChunkInterval?.ToString(), CliFormat.Bytes(h.TotalBytes));
        }

        await hypertables.WriteAsync(output).ConfigureAwait(false);
        await CliFormat.WriteFeatureAsync(output, "Continuous aggregates", health.ContinuousAggregates, new TextTable("NAME", "MATERIALIZED ONLY", "CHUNKS", "MATERIALIZED THROUGH", "LAG"),
            (t, a) => t.Add(a.Name, a.MaterializedOnly ? "yes" : "no", CliFormat.Number(a.ChunkCount), CliFormat.Time(a.MaterializedThrough),
                CliFormat.AggregateLag(a.Lag, a.Materialization))).ConfigureAwait(false);
        await CliFormat.WriteFeatureAsync(output, "Policies (jobs)", health.Jobs, new TextTable("ID", "APPLICATION", "TARGET", "SCHEDULE", "LAST RUN", "STATUS", "NEXT START", "FAILURES"),
            (t, j) => t.Add(CliFormat.Number(j.JobId), j.Application, j.Target, j.ScheduleInterval.ToString(), CliFormat.Time(j.LastRunStartedAt), j.LastRunStatus, CliFormat.Time(j.NextStart), CliFormat.Number(j.TotalFailures))).ConfigureAwait(false);
        await CliFormat.WriteFeatureAsync(output, "Compression", health.Compression, new TextTable("HYPERTABLE", "ENABLED", "CHUNKS", "COMPRESSED", "BEFORE", "AFTER"),
            (t, c) => t.Add(c.Hypertable, c.Enabled ? "yes" : "no", CliFormat.Number(c.TotalChunks), CliFormat.Number(c.CompressedChunks),
                c.BytesBeforeCompression is { } before ? CliFormat.Bytes(before) : null, c.BytesAfterCompression is { } after ? CliFormat.Bytes(after) : null)).ConfigureAwait(false);

        await output.WriteLineAsync().ConfigureAwait(false);
        await output.WriteLineAsync(health.IsHealthy ? "Healthy." : "Problems:").ConfigureAwait(false);
        foreach (var problem in health.Problems)
        {
            await output.WriteLineAsync("  - " + problem).ConfigureAwait(false);
        }
    }
}
