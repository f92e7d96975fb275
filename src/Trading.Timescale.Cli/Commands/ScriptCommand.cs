using System.CommandLine;
using System.Text.Json.Nodes;
using Npgsql;
using Trading.Timescale.Schema;

namespace Trading.Timescale.Cli.Commands;

/// <summary><c>trading-timescale script</c>: the whole schema as one psql script, for a DBA.</summary>
internal static class ScriptCommand
{
    public static Command Create()
    {
        var edition = new Option<string>("--edition", "-e")
        {
            Description = "The TimescaleDB edition of the server the script is for.",
            Required = true,
        };
        edition.AcceptOnlyFromAmong("community", "apache");
        var outputFile = new Option<FileInfo?>("--output", "-o") { Description = "Write the script to this file instead of standard output." };
        var timeZone = CliOptions.TimeZone();
        var settings = CliOptions.Settings();
        var yes = CliOptions.Yes();
        var command = new Command("script",
            "Writes the complete schema SQL for an edition, to run with psql -v ON_ERROR_STOP=1 -f FILE. Needs no database connection. The script holds the defaults and each --set; run against a database that keeps other settings, it stops before changing anything unless those settings were given with --set (and --yes for a shorter retention).");
        command.Options.Add(edition);
        command.Options.Add(outputFile);
        command.Options.Add(timeZone);
        command.Options.Add(settings);
        command.Options.Add(yes);
        command.SetAction(CliContext.Action(async (context, cancellationToken) =>
        {
            var options = context.Options(timeZone, settings);
            var chosen = context.ParseResult.GetRequiredValue(edition) == "community" ? TimescaleEdition.Community : TimescaleEdition.Apache;

            // Exporting never connects; the data source only satisfies the installer's constructor.
            var dataSource = NpgsqlDataSource.Create("Host=localhost");
            await using var dataSourceScope = dataSource.ConfigureAwait(false);
            var migration = new SchemaMigrationOptions { ApplySettingChanges = true, AllowDataRemoval = context.ParseResult.GetValue(yes) };
            var script = await new TradingSchemaInstaller(dataSource, options).ExportScriptAsync(chosen, migration, cancellationToken).ConfigureAwait(false);
            var file = context.ParseResult.GetValue(outputFile);
            if (file is null)
            {
                await context.Output.WriteAsync(script).ConfigureAwait(false);
                return 0;
            }

            await File.WriteAllTextAsync(file.FullName, script, cancellationToken).ConfigureAwait(false);
            if (context.Json)
            {
                await CliFormat.WriteJsonAsync(context.Output, new JsonObject { ["file"] = file.FullName, ["edition"] = CliFormat.Edition(chosen), ["bytes"] = new FileInfo(file.FullName).Length }).ConfigureAwait(false);
            }
            else
            {
                await context.Output.WriteLineAsync($"Wrote the {CliFormat.Edition(chosen)} edition schema script to {file.FullName}; run it with: psql -v ON_ERROR_STOP=1 -d DATABASE -f {file.FullName}").ConfigureAwait(false);
            }

            return 0;
        }));
        return command;
    }
}
