using System.CommandLine;
using System.Text.Json.Nodes;
using Trading.Timescale.Schema;

namespace Trading.Timescale.Cli.Commands;

/// <summary><c>trading-timescale migrate</c>: applies every pending schema file.</summary>
internal static class MigrateCommand
{
    public static Command Create()
    {
        var timeZone = CliOptions.TimeZone();
        var settings = CliOptions.Settings();
        var yes = CliOptions.Yes();
        var command = new Command("migrate",
            "Creates the timescaledb extension if needed and applies every pending migration and changed repeatable script, under the schema lock. The database keeps its settings; only --set (or --time-zone on a new database) changes one, and a shorter retention also needs --yes.");
        command.Options.Add(timeZone);
        command.Options.Add(settings);
        command.Options.Add(yes);
        command.SetAction(CliContext.Action(async (context, cancellationToken) =>
        {
            var options = context.Options(timeZone, settings);
            var dataSource = context.OpenDataSource();
            await using var dataSourceScope = dataSource.ConfigureAwait(false);
            var migration = new SchemaMigrationOptions { ApplySettingChanges = true, AllowDataRemoval = context.ParseResult.GetValue(yes) };
            var report = await new TradingSchemaInstaller(dataSource, options, CliMigrationLog.For(context)).MigrateAsync(migration, cancellationToken).ConfigureAwait(false);
            if (context.Json)
            {
                await CliFormat.WriteJsonAsync(context.Output, new JsonObject
                {
                    ["database"] = report.Database,
                    ["server"] = CliFormat.Server(report.Server),
                    ["extensionCreated"] = report.ExtensionCreated,
                    ["applied"] = new JsonArray([.. report.Applied.Select(a => (JsonNode)CliFormat.Record(a))]),
                    ["settingChanges"] = new JsonArray([.. report.AppliedSettingChanges.Select(c => (JsonNode)CliFormat.SettingChange(c))]),
                    ["settings"] = CliFormat.Settings(report.Settings),
                    ["lockWaitMs"] = (long)report.LockWait.TotalMilliseconds,
                    ["elapsedMs"] = (long)report.Elapsed.TotalMilliseconds,
                }).ConfigureAwait(false);
                return 0;
            }

            var output = context.Output;
            await output.WriteLineAsync($"Database {report.Database} on {report.Server}").ConfigureAwait(false);
            if (report.ExtensionCreated)
            {
                await output.WriteLineAsync("Created the timescaledb extension.").ConfigureAwait(false);
            }

            foreach (var change in report.AppliedSettingChanges)
            {
                await output.WriteLineAsync($"Setting {change}{(change.RemovesData ? " (the next retention run drops the older rows)" : string.Empty)}").ConfigureAwait(false);
            }

            if (report.Applied.Count == 0)
            {
                await output.WriteLineAsync("Up to date: nothing to apply.").ConfigureAwait(false);
                return 0;
            }

            var table = new TextTable("ID", "KIND", "MS", "FILE");
            foreach (var applied in report.Applied)
            {
                table.Add(applied.Id, applied.Kind.ToString().ToLowerInvariant(), CliFormat.Number((long)applied.ExecutionTime.TotalMilliseconds), applied.FileName);
            }

            await table.WriteAsync(output).ConfigureAwait(false);
            await output.WriteLineAsync($"Applied {report.Applied.Count} file(s) in {report.Elapsed.TotalSeconds:0.0} s.").ConfigureAwait(false);
            return 0;
        }));
        return command;
    }
}
