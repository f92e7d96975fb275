using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Trading.Timescale.Cli.ScaleOut;
using Trading.Timescale.Operations;
using Trading.Timescale.Schema;

namespace Trading.Timescale.Cli.Commands;

/// <summary><c>trading-timescale stats</c>: sizes, chunks and compression, aggregate lag, jobs, connections, table activity, top queries.</summary>
internal static class StatsCommand
{
    public static Command Create()
    {
        var top = new Option<int>("--top") { Description = "How many statements to list from pg_stat_statements.", DefaultValueFactory = _ => 10 };
        var chunks = new Option<bool>("--chunks") { Description = "List every chunk (the JSON output always does)." };
        var command = new Command("stats",
            "Shows the database size, connections by state, every trading table's size (hypertables including their chunks), chunk compression, continuous aggregate lag, jobs with their last run and error, pg_stat_user_tables for the trading schema and the top statements from pg_stat_statements.");
        command.Options.Add(top);
        command.Options.Add(chunks);
        command.SetAction(CliContext.Action(async (context, cancellationToken) =>
        {
            var database = context.OpenDatabase();
            await using var databaseScope = database.ConfigureAwait(false);
            var stats = await database.Operations.GetStatsAsync(context.ParseResult.GetValue(top), cancellationToken).ConfigureAwait(false);
            var servers = await database.GetServersAsync(cancellationToken).ConfigureAwait(false);
            if (context.Json)
            {
                var json = ToJson(stats);
                json["servers"] = ServersOutput.ToJson(servers);
                await CliFormat.WriteJsonAsync(context.Output, json).ConfigureAwait(false);
            }
            else
            {
                await WriteTextAsync(context.Output, stats, context.ParseResult.GetValue(chunks)).ConfigureAwait(false);
                if (servers.Count > 1)
                {
                    await ServersOutput.WriteTextAsync(context.Output, servers).ConfigureAwait(false);
                }
            }

            return 0;
        }));
        return command;
    }

    private static string Ms(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);

    private static JsonObject ToJson(DatabaseStats s) => new()
    {
        ["database"] = s.Database,
        ["server"] = CliFormat.Server(s.Server),
        ["takenAt"] = CliFormat.Iso(s.TakenAt),
        ["databaseBytes"] = s.DatabaseBytes,
        ["maxConnections"] = s.MaxConnections,
        ["connections"] = new JsonArray([.. s.Connections.Select(c => (JsonNode)new JsonObject { ["state"] = c.State, ["count"] = c.Count })]),
        ["tables"] = new JsonArray([.. s.Tables.Select(t => (JsonNode)new JsonObject
        {
            ["name"] = t.Name, ["hypertable"] = t.IsHypertable, ["chunks"] = t.Chunks, ["tableBytes"] = t.TableBytes,
            ["indexBytes"] = t.IndexBytes, ["toastBytes"] = t.ToastBytes, ["totalBytes"] = t.TotalBytes,
        })]),
        ["chunks"] = new JsonArray([.. s.Chunks.Select(c => (JsonNode)new JsonObject
        {
            ["hypertable"] = c.Hypertable, ["chunk"] = c.Chunk, ["rangeStart"] = CliFormat.Iso(c.RangeStart), ["rangeEnd"] = CliFormat.Iso(c.RangeEnd),
            ["compressed"] = c.IsCompressed, ["totalBytes"] = c.TotalBytes, ["bytesBeforeCompression"] = c.BytesBeforeCompression,
            ["bytesAfterCompression"] = c.BytesAfterCompression, ["compressionRatio"] = c.CompressionRatio,
        })]),
        ["continuousAggregates"] = CliFormat.Feature(s.Aggregates, a => new JsonObject
        {
            ["name"] = a.Name, ["materializedOnly"] = a.MaterializedOnly, ["newestBucket"] = CliFormat.Iso(a.NewestBucket),
            ["materializedThrough"] = CliFormat.Iso(a.MaterializedThrough), ["materialization"] = a.Materialization.ToString(),
            ["lagSeconds"] = a.Lag?.TotalSeconds, ["totalBytes"] = a.TotalBytes,
        }),
        ["jobs"] = CliFormat.Feature(s.Jobs, j => new JsonObject
        {
            ["id"] = j.JobId, ["application"] = j.Application, ["target"] = j.Target, ["scheduleSeconds"] = j.ScheduleInterval?.TotalSeconds,
            ["scheduled"] = j.Scheduled, ["lastRunStatus"] = j.LastRunStatus, ["lastRunStartedAt"] = CliFormat.Iso(j.LastRunStartedAt),
            ["lastSuccessfulFinish"] = CliFormat.Iso(j.LastSuccessfulFinish), ["nextStart"] = CliFormat.Iso(j.NextStart),
            ["totalRuns"] = j.TotalRuns, ["totalFailures"] = j.TotalFailures, ["lastError"] = j.LastError, ["lastErrorAt"] = CliFormat.Iso(j.LastErrorAt),
        }),
        ["tableActivity"] = new JsonArray([.. s.Activity.Select(a => (JsonNode)new JsonObject
        {
            ["name"] = a.Name, ["inserted"] = a.Inserted, ["updated"] = a.Updated, ["deleted"] = a.Deleted, ["liveRows"] = a.LiveRows,
            ["deadRows"] = a.DeadRows, ["sequentialScans"] = a.SequentialScans, ["indexScans"] = a.IndexScans,
            ["lastVacuum"] = CliFormat.Iso(a.LastVacuum), ["lastAutovacuum"] = CliFormat.Iso(a.LastAutovacuum),
            ["lastAnalyze"] = CliFormat.Iso(a.LastAnalyze), ["lastAutoanalyze"] = CliFormat.Iso(a.LastAutoanalyze),
        })]),
        ["topQueries"] = CliFormat.Feature(s.TopQueries, q => new JsonObject
        {
            ["query"] = q.Query, ["calls"] = q.Calls, ["totalExecTimeMs"] = q.TotalExecTimeMs, ["meanExecTimeMs"] = q.MeanExecTimeMs, ["rows"] = q.Rows,
        }),
    };

    private static async Task WriteTextAsync(TextWriter output, DatabaseStats s, bool listChunks)
    {
        await output.WriteLineAsync($"Database {s.Database} on {s.Server}: {CliFormat.Bytes(s.DatabaseBytes)}").ConfigureAwait(false);
        await output.WriteLineAsync($"Connections ({s.Connections.Sum(c => c.Count)} of max_connections {s.MaxConnections}): "
            + string.Join(", ", s.Connections.Select(c => $"{c.State} {c.Count}"))).ConfigureAwait(false);

        await output.WriteLineAsync().ConfigureAwait(false);
        await output.WriteLineAsync("Tables (hypertables including their chunks):").ConfigureAwait(false);
        var tables = new TextTable("TABLE", "KIND", "CHUNKS", "TABLE DATA", "INDEXES", "TOAST", "TOTAL");
        foreach (var t in s.Tables)
        {
            tables.Add(t.Name, t.IsHypertable ? "hypertable" : "table", CliFormat.Number(t.Chunks), CliFormat.Bytes(t.TableBytes),
                CliFormat.Bytes(t.IndexBytes), CliFormat.Bytes(t.ToastBytes), CliFormat.Bytes(t.TotalBytes));
        }

        await tables.WriteAsync(output).ConfigureAwait(false);

        await output.WriteLineAsync().ConfigureAwait(false);
        await output.WriteLineAsync(s.Server.Edition == TimescaleEdition.Community ? "Chunk compression:" : "Chunk compression: unavailable on the apache edition (every chunk is uncompressed)").ConfigureAwait(false);
        var compression = new TextTable("HYPERTABLE", "CHUNKS", "COMPRESSED", "BEFORE", "AFTER", "RATIO");
        foreach (var group in s.Chunks.GroupBy(c => c.Hypertable))
        {
            var compressed = group.Where(c => c.IsCompressed).ToList();
            var before = compressed.Sum(c => c.BytesBeforeCompression ?? 0);
            var after = compressed.Sum(c => c.BytesAfterCompression ?? 0);
            compression.Add(group.Key, CliFormat.Number(group.Count()), CliFormat.Number(compressed.Count),
                compressed.Count == 0 ? null : CliFormat.Bytes(before), compressed.Count == 0 ? null : CliFormat.Bytes(after),
                after > 0 ? ((double)before / after).ToString("0.0'x'", CultureInfo.InvariantCulture) : null);
        }

        await compression.WriteAsync(output).ConfigureAwait(false);
        if (listChunks)
        {
            await output.WriteLineAsync().ConfigureAwait(false);
            var list = new TextTable("HYPERTABLE", "CHUNK", "FROM", "TO", "COMPRESSED", "SIZE", "BEFORE", "AFTER");
            foreach (var c in s.Chunks)
            {
                list.Add(c.Hypertable, c.Chunk, CliFormat.Time(c.RangeStart), CliFormat.Time(c.RangeEnd), c.IsCompressed ? "yes" : "no", CliFormat.Bytes(c.TotalBytes),
                    c.BytesBeforeCompression is { } b ? CliFormat.Bytes(b) : null, c.BytesAfterCompression is { } a ? CliFormat.Bytes(a) : null);
            }

            await list.WriteAsync(output).ConfigureAwait(false);
        }

        await CliFormat.WriteFeatureAsync(output, "Continuous aggregates", s.Aggregates, new TextTable("AGGREGATE", "NEWEST BUCKET", "LAG", "MATERIALIZED ONLY", "SIZE"),
            (t, a) => t.Add(a.Name, CliFormat.Time(a.NewestBucket),
                CliFormat.AggregateLag(a.Lag, a.Materialization), a.MaterializedOnly ? "yes" : "no", CliFormat.Bytes(a.TotalBytes))).ConfigureAwait(false);
        await CliFormat.WriteFeatureAsync(output, "Jobs", s.Jobs, new TextTable("ID", "APPLICATION", "TARGET", "LAST RUN", "STATUS", "RUNS", "FAILURES", "NEXT START", "LAST ERROR"),
            (t, j) => t.Add(CliFormat.Number(j.JobId), j.Application, j.Target, CliFormat.Time(j.LastRunStartedAt), j.LastRunStatus, CliFormat.Number(j.TotalRuns),
                CliFormat.Number(j.TotalFailures), CliFormat.Time(j.NextStart), j.LastError is null ? null : $"{CliFormat.Time(j.LastErrorAt)} {CliContext.Flatten(j.LastError)}")).ConfigureAwait(false);

        await output.WriteLineAsync().ConfigureAwait(false);
        await output.WriteLineAsync("Table activity (pg_stat_user_tables; hypertables summed over their chunks):").ConfigureAwait(false);
        var activity = new TextTable("TABLE", "INSERTED", "UPDATED", "DELETED", "LIVE", "DEAD", "SEQ SCANS", "IDX SCANS", "LAST VACUUM", "LAST AUTOVACUUM");
        foreach (var a in s.Activity)
        {
            activity.Add(a.Name, CliFormat.Number(a.Inserted), CliFormat.Number(a.Updated), CliFormat.Number(a.Deleted), CliFormat.Number(a.LiveRows),
                CliFormat.Number(a.DeadRows), CliFormat.Number(a.SequentialScans), CliFormat.Number(a.IndexScans), CliFormat.Time(a.LastVacuum), CliFormat.Time(a.LastAutovacuum));
        }

        await activity.WriteAsync(output).ConfigureAwait(false);
        await CliFormat.WriteFeatureAsync(output, "Top statements (pg_stat_statements)", s.TopQueries, new TextTable("TOTAL MS", "MEAN MS", "CALLS", "ROWS", "QUERY"),
            (t, q) => t.Add(Ms(q.TotalExecTimeMs), Ms(q.MeanExecTimeMs), CliFormat.Number(q.Calls), CliFormat.Number(q.Rows),
                CliContext.Flatten(q.Query) is { Length: > 100 } long_ ? long_[..100] + "..." : CliContext.Flatten(q.Query))).ConfigureAwait(false);
    }
}
