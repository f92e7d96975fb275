using System.CommandLine;
using System.Text.Json.Nodes;
using Npgsql;

namespace Trading.Timescale.Cli.Commands;

/// <summary><c>trading-timescale retention</c>: drops chunks older than each table's retention, through <c>trading.apply_retention()</c>.</summary>
internal static class RetentionCommand
{
    public static Command Create()
    {
        var command = new Command("retention", "Drops chunks older than each table's retention by calling trading.apply_retention() (works on every edition), and lists what was dropped.");
        command.SetAction(CliContext.Action(async (context, cancellationToken) =>
        {
            var dataSource = context.OpenDataSource();
            await using var dataSourceScope = dataSource.ConfigureAwait(false);
            var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var connectionScope = connection.ConfigureAwait(false);
            using (var exists = new NpgsqlCommand("SELECT to_regprocedure('trading.apply_retention()') IS NOT NULL", connection))
            {
                if (!(bool)(await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!)
                {
                    throw new CliException($"database {connection.Database} has no function trading.apply_retention(): run `trading-timescale migrate` first.");
                }
            }

            var rows = new List<(string Hypertable, int Dropped)>();
            using (var apply = new NpgsqlCommand("SELECT hypertable::text, dropped_chunks::int FROM trading.apply_retention()", connection) { CommandTimeout = 0 })
            {
                var reader = await apply.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using var readerScope = reader.ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    rows.Add((reader.GetString(0), reader.IsDBNull(1) ? 0 : reader.GetInt32(1)));
                }
            }

            if (context.Json)
            {
                await CliFormat.WriteJsonAsync(context.Output, new JsonObject
                {
                    ["database"] = connection.Database,
                    ["tables"] = new JsonArray([.. rows.Select(r => (JsonNode)new JsonObject { ["hypertable"] = r.Hypertable, ["droppedChunks"] = r.Dropped })]),
                    ["droppedChunks"] = rows.Sum(r => r.Dropped),
                }).ConfigureAwait(false);
                return 0;
            }

            var table = new TextTable("HYPERTABLE", "DROPPED CHUNKS");
            foreach (var (hypertable, dropped) in rows)
            {
                table.Add(hypertable, CliFormat.Number(dropped));
            }

            await table.WriteAsync(context.Output).ConfigureAwait(false);
            await context.Output.WriteLineAsync($"Dropped {rows.Sum(r => r.Dropped)} chunk(s) in database {connection.Database}.").ConfigureAwait(false);
            return 0;
        }));
        return command;
    }
}
