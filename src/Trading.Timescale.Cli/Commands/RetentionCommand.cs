using System.CommandLine;
using System.Text.Json.Nodes;

namespace Trading.Timescale.Cli.Commands;

/// <summary><c>trading-timescale retention</c>: drops chunks older than each table's retention, through <c>TradingOperations.ApplyRetentionAsync</c>.</summary>
internal static class RetentionCommand
{
    public static Command Create()
    {
        var command = new Command("retention", "Drops chunks older than each table's retention by calling trading.apply_retention() (works on every edition), and lists what was dropped. `maintain` does this and more.");
        command.SetAction(CliContext.Action(async (context, cancellationToken) =>
        {
            var database = context.OpenDatabase();
            await using var databaseScope = database.ConfigureAwait(false);
            var rows = await database.Operations.ApplyRetentionAsync(cancellationToken).ConfigureAwait(false);
            var name = new Npgsql.NpgsqlConnectionStringBuilder(database.DataSource.ConnectionString).Database;
            if (context.Json)
            {
                await CliFormat.WriteJsonAsync(context.Output, new JsonObject
                {
                    ["database"] = name,
                    ["tables"] = new JsonArray([.. rows.Select(r => (JsonNode)new JsonObject { ["hypertable"] = r.Hypertable, ["droppedChunks"] = r.DroppedChunks })]),
                    ["droppedChunks"] = rows.Sum(r => r.DroppedChunks),
                }).ConfigureAwait(false);
                return 0;
            }

            var table = new TextTable("HYPERTABLE", "DROPPED CHUNKS");
            foreach (var row in rows)
            {
                table.Add(row.Hypertable, CliFormat.Number(row.DroppedChunks));
            }

            await table.WriteAsync(context.Output).ConfigureAwait(false);
            await context.Output.WriteLineAsync($"Dropped {rows.Sum(r => r.DroppedChunks)} chunk(s) in database {name}.").ConfigureAwait(false);
            return 0;
        }));
        return command;
    }
}
