using System.CommandLine;
using System.Text.Json.Nodes;
using Trading.Timescale.Cli.ScaleOut;
using Trading.Timescale.ScaleOut;
using Trading.Timescale.Schema;

namespace Trading.Timescale.Cli.Commands;

/// <summary><c>trading-timescale status</c>: applied and pending schema files with checksums.</summary>
internal static class StatusCommand
{
    public static Command Create()
    {
        var command = new Command("status",
            "Lists every schema file for the server's edition: applied (when, checksum) or pending, judged against the settings the database keeps, and every host of the connection string with its role (primary or standby) and replication lag. Changes nothing.");
        command.SetAction(CliContext.Action(async (context, cancellationToken) =>
        {
            var options = new TradingTimescaleOptions();
            var dataSource = context.OpenDataSource();
            await using var dataSourceScope = dataSource.ConfigureAwait(false);
            var status = await new TradingSchemaInstaller(dataSource, options).GetStatusAsync(cancellationToken).ConfigureAwait(false);
            var servers = await TradingReplication.GetServersAsync(context.ConnectionString(), cancellationToken).ConfigureAwait(false);
            if (context.Json)
            {
                await CliFormat.WriteJsonAsync(context.Output, new JsonObject
                {
                    ["database"] = status.Database,
                    ["server"] = CliFormat.Server(status.Server),
                    ["servers"] = ServersOutput.ToJson(servers),
                    ["upToDate"] = status.IsUpToDate,
                    ["settingsInstalled"] = status.SettingsInstalled,
                    ["settings"] = CliFormat.Settings(status.Settings),
                    ["migrations"] = new JsonArray([.. status.Migrations.Select(m => (JsonNode)new JsonObject
                    {
                        ["id"] = m.Id,
                        ["kind"] = m.Kind.ToString().ToLowerInvariant(),
                        ["file"] = m.FileName,
                        ["status"] = m.Status.ToString().ToLowerInvariant(),
                        ["checksum"] = m.Checksum,
                        ["applied"] = m.Applied is null ? null : CliFormat.Record(m.Applied),
                    })]),
                }).ConfigureAwait(false);
                return 0;
            }

            var output = context.Output;
            await output.WriteLineAsync($"Database {status.Database} on {status.Server}").ConfigureAwait(false);
            var table = new TextTable("ID", "KIND", "STATUS", "APPLIED AT", "CHECKSUM", "FILE");
            foreach (var m in status.Migrations)
            {
                table.Add(m.Id, m.Kind.ToString().ToLowerInvariant(), m.Status.ToString().ToLowerInvariant(), CliFormat.Time(m.Applied?.AppliedAt), m.Checksum[..12], m.FileName);
            }

            await table.WriteAsync(output).ConfigureAwait(false);
            if (servers.Count > 1)
            {
                await ServersOutput.WriteTextAsync(output, servers).ConfigureAwait(false);
            }

            var applied = status.Migrations.Count - status.Pending.Count;
            await output.WriteLineAsync(status.SettingsInstalled
                ? $"Settings: the database keeps {status.Settings.Count} (list them with --json); change one with `trading-timescale migrate --set \"Path=Value\"`."
                : "Settings: none yet; a first migrate installs the defaults and any --set.").ConfigureAwait(false);
            await output.WriteLineAsync(status.IsUpToDate
                ? $"{applied} applied, up to date."
                : $"{applied} applied, {status.Pending.Count} pending: run `trading-timescale migrate`.").ConfigureAwait(false);
            return 0;
        }));
        return command;
    }
}
