using System.CommandLine;
using System.Text.Json.Nodes;
using NodaTime;
using Trading.Timescale.Operations;

namespace Trading.Timescale.Cli.Commands;

/// <summary><c>trading-timescale backups list|prune</c>: the backups in BACKUP_DIR and in S3_BUCKET/S3_PREFIX.</summary>
internal static class BackupsCommand
{
    private sealed record Row(string Location, string Where, BackupManifest? Manifest, long Size, Instant CreatedAt);

    public static Command Create()
    {
        var action = new Argument<string>("action") { Description = "list, or prune (delete backups older than RETENTION_DAYS)." };
        action.AcceptOnlyFromAmong("list", "prune");
        var directory = new Option<string?>("--directory") { Description = "The local backup directory. Default: BACKUP_DIR." };
        var retention = new Option<int?>("--retention-days") { Description = "For prune: keep backups this many days (1 or more; the newest verified full backup is always kept). Default: RETENTION_DAYS, else 30." };
        var signingKey = BackupSettings.SigningKeyOption();
        var command = new Command("backups", "Lists the local (BACKUP_DIR) and S3 (S3_BUCKET, S3_PREFIX) backups, or prunes those older than RETENTION_DAYS.");
        command.Arguments.Add(action);
        command.Options.Add(directory);
        command.Options.Add(retention);
        command.Options.Add(signingKey);
        command.SetAction(CliContext.Action(async (context, cancellationToken) =>
        {
            var local = BackupSettings.DirectoryOrNull(context.ParseResult.GetValue(directory));
            var key = BackupSettings.SigningKey(context.ParseResult.GetValue(signingKey));
            using var store = BackupSettings.Store(key);
            if (local is null && store is null)
            {
                throw new CliException("no backup location: pass --directory DIR, or set BACKUP_DIR and/or S3_BUCKET.");
            }

            var prune = context.ParseResult.GetValue(action) == "prune";
            var days = prune ? BackupSettings.RetentionDays(context.ParseResult.GetValue(retention)) : 0;
            var rows = new List<Row>();
            if (local is not null)
            {
                var files = prune
                    ? await BackupDirectory.PruneAsync(local, TimeSpan.FromDays(days), key, cancellationToken: cancellationToken).ConfigureAwait(false)
                    : BackupDirectory.List(local);
                rows.AddRange(files.Select(f => new Row(f.DumpPath, "local", f.Manifest, f.Manifest.SizeBytes, f.Manifest.CreatedAt)));
            }

            if (store is not null)
            {
                var objects = prune
                    ? await store.PruneAsync(TimeSpan.FromDays(days), cancellationToken: cancellationToken).ConfigureAwait(false)
                    : await store.ListAsync(cancellationToken).ConfigureAwait(false);
                rows.AddRange(objects.Select(o => new Row(o.Location.ToString(), "s3", o.Manifest, o.SizeBytes, o.CreatedAt)));
            }

            if (context.Json)
            {
                await CliFormat.WriteJsonAsync(context.Output, new JsonObject
                {
                    ["action"] = prune ? "prune" : "list",
                    ["retentionDays"] = prune ? days : null,
                    [prune ? "deleted" : "backups"] = new JsonArray([.. rows.Select(r => (JsonNode)new JsonObject
                    {
                        ["location"] = r.Location,
                        ["where"] = r.Where,
                        ["kind"] = r.Manifest?.Kind.ToString().ToLowerInvariant(),
                        ["database"] = r.Manifest?.Database,
                        ["createdAt"] = CliFormat.Iso(r.CreatedAt),
                        ["sizeBytes"] = r.Size,
                        ["timescaleVersion"] = r.Manifest?.TimescaleVersion,
                        ["sha256"] = r.Manifest?.Sha256,
                    })]),
                }).ConfigureAwait(false);
                return 0;
            }

            var table = new TextTable("WHERE", "KIND", "DATABASE", "CREATED", "SIZE", "LOCATION");
            foreach (var r in rows)
            {
                table.Add(r.Where, r.Manifest?.Kind.ToString().ToLowerInvariant() ?? "(no manifest)", r.Manifest?.Database, CliFormat.Time(r.CreatedAt), CliFormat.Bytes(r.Size), r.Location);
            }

            await table.WriteAsync(context.Output).ConfigureAwait(false);
            await context.Output.WriteLineAsync(prune
                ? $"Deleted {rows.Count} backup(s) older than {days} days."
                : $"{rows.Count} backup(s).").ConfigureAwait(false);
            return 0;
        }));
        return command;
    }
}
