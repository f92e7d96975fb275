using System.CommandLine;
using Trading.Timescale.Operations;

namespace Trading.Timescale.Cli.Commands;

/// <summary>
/// <c>trading-timescale backup full|schema|data [TABLE ...]</c>: one verified pg_dump with a manifest;
/// <c>backup portable</c>: the rows of every trading table without pg_dump, restorable by an owner who is not a superuser.
/// Uploaded when S3_BUCKET is set.
/// </summary>
internal static class BackupCommand
{
    public static Command Create()
    {
        var kind = new Argument<string>("kind") { Description = "full, schema, data (the rows of the named tables), or portable (every table's rows, no TimescaleDB catalog: restorable without a superuser)." };
        kind.AcceptOnlyFromAmong("full", "schema", "data", "portable");
        var tables = new Argument<string[]>("tables") { Description = "For data: the tables, e.g. trading.stock_prices trading.signals.", Arity = ArgumentArity.ZeroOrMore };
        var output = new Option<string?>("--output", "-o") { Description = "The directory the dump and its manifest are written to (created 0700). Default: BACKUP_DIR." };
        var signingKey = BackupSettings.SigningKeyOption();
        var command = new Command("backup", "Writes a custom-format pg_dump (full, schema, data) or a portable archive of binary COPY streams (portable), and its manifest (kind, tables, row counts, versions, schema journal, SHA-256); uploads it when S3_BUCKET is set.");
        command.Arguments.Add(kind);
        command.Arguments.Add(tables);
        command.Options.Add(output);
        command.Options.Add(signingKey);
        command.SetAction(CliContext.Action(async (context, cancellationToken) =>
        {
            var request = new BackupRequest(Enum.Parse<BackupKind>(context.ParseResult.GetValue(kind)!, ignoreCase: true), BackupSettings.Directory(context.ParseResult.GetValue(output)))
            {
                Tables = context.ParseResult.GetValue(tables) ?? [],
            };
            var key = BackupSettings.SigningKey(context.ParseResult.GetValue(signingKey));
            var backups = new TradingBackups(context.ConnectionString()) { SigningKey = key };
            BackupFile backup;
            using (var progress = CliProgress.For(context))
            {
                backup = await backups.BackupAsync(request, progress, cancellationToken).ConfigureAwait(false);
            }

            var (uploaded, uploadError) = await UploadAsync(context, backup, key, cancellationToken).ConfigureAwait(false);
            if (context.Json)
            {
                var json = backup.Manifest.ToJsonObject();
                json["path"] = backup.DumpPath;
                json["manifestPath"] = backup.ManifestPath;
                json["s3"] = uploaded?.Location.ToString();
                json["uploadError"] = uploadError;
                await CliFormat.WriteJsonAsync(context.Output, json).ConfigureAwait(false);
            }
            else
            {
                await context.Output.WriteLineAsync(backup.DumpPath).ConfigureAwait(false);
                if (uploaded is not null)
                {
                    await context.Output.WriteLineAsync(uploaded.Location.ToString()).ConfigureAwait(false);
                }
            }

            if (uploadError is not null)
            {
                await context.Error.WriteLineAsync($"trading-timescale: {CliContext.Flatten(uploadError)}").ConfigureAwait(false);
                return 1;
            }

            return 0;
        }));
        return command;
    }

    private static async Task<(S3BackupObject? Uploaded, string? Error)> UploadAsync(CliContext context, BackupFile backup, BackupSigningKey? key, CancellationToken cancellationToken)
    {
        using var store = BackupSettings.Store(key);
        if (store is null)
        {
            return (null, null);
        }

        try
        {
            using var progress = CliProgress.For(context);
            return (await store.UploadAsync(backup, progress, cancellationToken).ConfigureAwait(false), null);
        }
        catch (TradingBackupException ex)
        {
            return (null, ex.Message);
        }
    }
}
