using System.CommandLine;
using System.Text.Json.Nodes;
using Trading.Timescale.Operations;

namespace Trading.Timescale.Cli.Commands;

/// <summary><c>trading-timescale clone SOURCE_DATABASE TARGET_DATABASE</c>: a full backup of one database restored into a new one.</summary>
internal static class CloneCommand
{
    public static Command Create()
    {
        var source = new Argument<string>("source-database") { Description = "The database to copy." };
        var target = new Argument<string>("target-database") { Description = "The new database (must not exist)." };
        var directory = new Option<string?>("--directory") { Description = "The directory the copy is staged in (created 0700; the copy is deleted afterwards). Default: BACKUP_DIR." };
        var command = new Command("clone", "Copies a database into a new one on the same server through pg_dump and a TimescaleDB-safe pg_restore.");
        command.Options.Add(directory);
        command.Arguments.Add(source);
        command.Arguments.Add(target);
        command.SetAction(CliContext.Action(async (context, cancellationToken) =>
        {
            RestoreResult result;
            using (var progress = CliProgress.For(context))
            {
                result = await new TradingBackups(context.ConnectionString())
                    .CloneAsync(
                        context.ParseResult.GetValue(source)!, context.ParseResult.GetValue(target)!,
                        BackupSettings.StagingDirectory(context.ParseResult.GetValue(directory), "the copy"), progress, cancellationToken).ConfigureAwait(false);
            }

            if (context.Json)
            {
                await CliFormat.WriteJsonAsync(context.Output, new JsonObject
                {
                    ["source"] = result.Manifest.Database,
                    ["target"] = result.Database,
                    ["items"] = result.Items,
                    ["elapsedMs"] = (long)result.Elapsed.TotalMilliseconds,
                    ["tables"] = new JsonArray([.. result.Manifest.Tables.Select(t => (JsonNode)new JsonObject { ["name"] = t.Name, ["rows"] = t.Rows })]),
                }).ConfigureAwait(false);
            }
            else
            {
                await context.Output.WriteLineAsync(
                    $"Cloned {result.Manifest.Database} into {result.Database}: {result.Manifest.Tables.Count} tables, {result.Manifest.Tables.Sum(t => t.Rows)} rows, in {result.Elapsed.TotalSeconds:0.0} s.")
                    .ConfigureAwait(false);
            }

            return 0;
        }));
        return command;
    }
}
