using System.CommandLine;
using System.Text.Json.Nodes;
using Trading.Timescale.Operations;

namespace Trading.Timescale.Cli.Commands;

/// <summary><c>trading-timescale maintain</c>: retention, and on the community edition compression and aggregate refresh.</summary>
internal static class MaintainCommand
{
    public static Command Create()
    {
        var dryRun = new Option<bool>("--dry-run") { Description = "List what would be dropped, compressed and refreshed; change nothing." };
        var noRetention = new Option<bool>("--no-retention") { Description = "Skip retention (dropping expired chunks)." };
        var noCompression = new Option<bool>("--no-compression") { Description = "Skip compressing old chunks (community edition)." };
        var noRefresh = new Option<bool>("--no-refresh") { Description = "Skip refreshing the continuous aggregates (community edition)." };
        var noScreenState = new Option<bool>("--no-screen-state") { Description = "Skip refreshing the screen state of the bar widths refreshed before." };
        var command = new Command("maintain",
            "Drops chunks past each table's retention (trading.apply_retention(), every edition); on the community edition also compresses chunks older than compress_after and refreshes every continuous aggregate over its policy window; then brings the screen state of the bar widths refreshed before up to now (every edition). Schedule it on the apache edition, which has no background jobs, and wherever screens should answer from their state.");
        command.Options.Add(dryRun);
        command.Options.Add(noRetention);
        command.Options.Add(noCompression);
        command.Options.Add(noRefresh);
        command.Options.Add(noScreenState);
        command.SetAction(CliContext.Action(async (context, cancellationToken) =>
        {
            var database = context.OpenDatabase();
            await using var databaseScope = database.ConfigureAwait(false);
            var report = await database.Operations.MaintainAsync(new MaintenanceOptions
            {
                DryRun = context.ParseResult.GetValue(dryRun),
                Retention = !context.ParseResult.GetValue(noRetention),
                Compression = !context.ParseResult.GetValue(noCompression),
                RefreshAggregates = !context.ParseResult.GetValue(noRefresh),
                RefreshScreenState = !context.ParseResult.GetValue(noScreenState),
            }, cancellationToken).ConfigureAwait(false);
            if (context.Json)
            {
                await CliFormat.WriteJsonAsync(context.Output, new JsonObject
                {
                    ["database"] = report.Database,
                    ["edition"] = CliFormat.Edition(report.Edition),
                    ["dryRun"] = report.DryRun,
                    ["actions"] = new JsonArray([.. report.Actions.Select(a => (JsonNode)new JsonObject
                    {
                        ["action"] = Name(a.Kind),
                        ["target"] = a.Target,
                        ["chunk"] = a.Chunk,
                        ["rangeStart"] = CliFormat.Iso(a.RangeStart),
                        ["rangeEnd"] = CliFormat.Iso(a.RangeEnd),
                        ["width"] = a.Width?.ToString(),
                    })]),
                    ["retention"] = new JsonArray([.. report.Retention.Select(r => (JsonNode)new JsonObject { ["hypertable"] = r.Hypertable, ["droppedChunks"] = r.DroppedChunks })]),
                    ["skipped"] = new JsonArray([.. report.Skipped.Select(s => (JsonNode)s)]),
                }).ConfigureAwait(false);
                return 0;
            }

            var table = new TextTable("ACTION", "TARGET", "CHUNK", "FROM", "TO");
            foreach (var a in report.Actions)
            {
                table.Add(Name(a.Kind), a.Width is { } width ? $"{a.Target} ({width})" : a.Target, a.Chunk, CliFormat.Time(a.RangeStart), CliFormat.Time(a.RangeEnd));
            }

            await table.WriteAsync(context.Output).ConfigureAwait(false);
            foreach (var skipped in report.Skipped)
            {
                await context.Output.WriteLineAsync("Skipped " + skipped).ConfigureAwait(false);
            }

            var counts = string.Join(", ", Enum.GetValues<MaintenanceActionKind>().Select(k => $"{report.Actions.Count(a => a.Kind == k)} {Name(k)}"));
            await context.Output.WriteLineAsync(report.DryRun
                ? $"Dry run on database {report.Database} ({CliFormat.Edition(report.Edition)}): would {counts}; nothing was changed."
                : $"Maintained database {report.Database} ({CliFormat.Edition(report.Edition)}): {counts}.").ConfigureAwait(false);
            return 0;
        }));
        return command;
    }

    private static string Name(MaintenanceActionKind kind) => kind switch
    {
        MaintenanceActionKind.DropChunk => "drop",
        MaintenanceActionKind.CompressChunk => "compress",
        MaintenanceActionKind.RefreshScreenState => "screen-state",
        _ => "refresh",
    };
}
