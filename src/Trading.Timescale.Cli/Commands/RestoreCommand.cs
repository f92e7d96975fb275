using System.CommandLine;
using System.Text.Json.Nodes;
using Trading.Timescale.Operations;

namespace Trading.Timescale.Cli.Commands;

/// <summary>
/// <c>trading-timescale restore full|schema FILE</c>: a TimescaleDB-safe pg_restore of a verified backup;
/// <c>restore portable FILE</c>: a portable backup through the migrator and COPY, without a superuser. Local or <c>s3://</c>.
/// </summary>
internal static class RestoreCommand
{
    public static Command Create()
    {
        var kind = new Argument<string>("kind") { Description = "full (everything in the backup), schema (tables, hypertables, aggregates, policies and the journal, no rows), or portable (a portable backup: schema from this version's migrator, rows by COPY, aggregates rebuilt)." };
        kind.AcceptOnlyFromAmong("full", "schema", "portable");
        var file = new Argument<string>("file") { Description = "The .dump written by backup (its manifest beside it), or s3://bucket/key." };
        var target = new Option<string?>("--target-database") { Description = "The database to restore into. Default: the connection's database." };
        var create = new Option<bool>("--create") { Description = "Create the target database when it does not exist." };
        var replace = new Option<bool>("--replace") { Description = "Replace a target database that already holds the trading schema (otherwise refused): the backup is restored into a new database, checked, then takes the target's name." };
        var directory = new Option<string?>("--directory") { Description = "For s3:// backups: the directory the download is staged in (created 0700). Default: BACKUP_DIR." };
        var signingKey = BackupSettings.SigningKeyOption();
        var command = new Command("restore", "Restores a backup after checking its signature (with a signing key) and its SHA-256: full and schema with pg_restore between timescaledb_pre_restore() and timescaledb_post_restore() (same TimescaleDB version), portable with the migrator and COPY (any version or edition, no superuser).");
        command.Arguments.Add(kind);
        command.Arguments.Add(file);
        command.Options.Add(target);
        command.Options.Add(create);
        command.Options.Add(replace);
        command.Options.Add(directory);
        command.Options.Add(signingKey);
        command.SetAction(CliContext.Action(async (context, cancellationToken) =>
        {
            var path = context.ParseResult.GetValue(file)!;
            var key = BackupSettings.SigningKey(context.ParseResult.GetValue(signingKey));
            string? downloadDirectory = null;
            try
            {
                using var progress = CliProgress.For(context);
                if (S3BackupLocation.TryParse(path, out var location))
                {
                    using var store = BackupSettings.Configure(S3BackupStore.FromEnvironment(location!.Bucket), key);
                    downloadDirectory = Path.Combine(BackupSettings.StagingDirectory(context.ParseResult.GetValue(directory), "the download"), "restore-" + Guid.NewGuid().ToString("N"));
                    path = (await store.DownloadAsync(location.Key, downloadDirectory, progress, cancellationToken).ConfigureAwait(false)).DumpPath;
                }
                else if (path.Contains("://", StringComparison.Ordinal))
                {
                    throw new CliException($"\"{path}\" is neither a local file nor s3://bucket/key.");
                }

                var request = new RestoreRequest(Enum.Parse<RestoreKind>(context.ParseResult.GetValue(kind)!, ignoreCase: true), path)
                {
                    TargetDatabase = context.ParseResult.GetValue(target),
                    CreateDatabase = context.ParseResult.GetValue(create),
                    ReplaceExisting = context.ParseResult.GetValue(replace),
                };
                var result = await new TradingBackups(context.ConnectionString()) { SigningKey = key }.RestoreAsync(request, progress, cancellationToken).ConfigureAwait(false);
                progress?.Dispose();
                if (context.Json)
                {
                    await CliFormat.WriteJsonAsync(context.Output, new JsonObject
                    {
                        ["database"] = result.Database,
                        ["kind"] = result.Kind.ToString().ToLowerInvariant(),
                        ["created"] = result.Created,
                        ["items"] = result.Items,
                        ["elapsedMs"] = (long)result.Elapsed.TotalMilliseconds,
                        ["file"] = context.ParseResult.GetValue(file),
                        ["manifest"] = result.Manifest.ToJsonObject(),
                    }).ConfigureAwait(false);
                }
                else
                {
                    await context.Output.WriteLineAsync(
                        $"Restored the {result.Kind.ToString().ToLowerInvariant()} of {result.Manifest.FileName} ({result.Manifest.Kind.ToString().ToLowerInvariant()} backup of {result.Manifest.Database}, " +
                        $"{CliFormat.Time(result.Manifest.CreatedAt)}) into database {result.Database}{(result.Created ? " (created)" : string.Empty)}: {result.Items} {(result.Kind == RestoreKind.Portable ? "tables" : "items")} in {result.Elapsed.TotalSeconds:0.0} s.")
                        .ConfigureAwait(false);
                }

                return 0;
            }
            finally
            {
                if (downloadDirectory is not null && Directory.Exists(downloadDirectory))
                {
                    Directory.Delete(downloadDirectory, recursive: true);
                }
            }
        }));
        return command;
    }
}
