using System.CommandLine;
using System.Text.Json.Nodes;
using Trading.Timescale.Operations;

namespace Trading.Timescale.Cli.Commands;

/// <summary><c>trading-timescale setup</c>: creates the database and its owner role when missing.</summary>
internal static class SetupCommand
{
    public static Command Create()
    {
        var database = new Option<string>("--database") { Description = "The database to create, e.g. trading_db.", Required = true };
        var owner = new Option<string>("--owner") { Description = "The owner role to create, e.g. trading_admin.", Required = true };
        var password = new Option<string?>("--owner-password-file") { Description = "A file holding the owner's password, or - for standard input. Needed to create the role." };
        var command = new Command("setup",
            "Creates the database and its owner login role when they are missing, and the timescaledb extension in it, and revokes CREATE on schema public from PUBLIC where the server still grants it; a second run changes nothing. The administrator needs no superuser (CREATEROLE and CREATEDB do); steps it may not do are listed for an administrator. --connection names an administrator connection to an existing database such as postgres.");
        command.Options.Add(database);
        command.Options.Add(owner);
        command.Options.Add(password);
        command.SetAction(CliContext.Action(async (context, cancellationToken) =>
        {
            var result = await TradingOperations.SetupDatabaseAsync(context.ConnectionString(), new DatabaseSetupRequest
            {
                Database = context.ParseResult.GetValue(database)!,
                Owner = context.ParseResult.GetValue(owner)!,
                OwnerPassword = context.ParseResult.GetValue(password) is { } file ? await context.ReadPasswordAsync(file, "--owner-password-file", cancellationToken).ConfigureAwait(false) : null,
            }, cancellationToken).ConfigureAwait(false);
            if (context.Json)
            {
                await CliFormat.WriteJsonAsync(context.Output, new JsonObject
                {
                    ["database"] = result.Database, ["owner"] = result.Owner, ["roleCreated"] = result.RoleCreated, ["passwordChanged"] = result.PasswordChanged,
                    ["databaseCreated"] = result.DatabaseCreated, ["privilegesGranted"] = result.PrivilegesGranted, ["extensionCreated"] = result.ExtensionCreated,
                    ["extensionVersion"] = result.ExtensionVersion, ["publicCreateRevoked"] = result.PublicCreateRevoked,
                    ["administratorSteps"] = new JsonArray([.. result.AdministratorSteps.Select(step => (JsonNode)step)]), ["nothingChanged"] = result.NothingChanged,
                }).ConfigureAwait(false);
                return 0;
            }

            var table = new TextTable("STEP", "RESULT");
            table.Add($"role {result.Owner}", result.RoleCreated ? "created" : result.PasswordChanged ? "exists, password set" : "exists");
            table.Add($"database {result.Database}", result.DatabaseCreated ? $"created, owned by {result.Owner}" : result.PrivilegesGranted ? $"exists, ALL PRIVILEGES granted to {result.Owner}" : "exists");
            table.Add("extension timescaledb", result.ExtensionVersion is not null ? (result.ExtensionCreated ? $"created ({result.ExtensionVersion})" : $"exists ({result.ExtensionVersion})")
                : result.AdministratorSteps.Any(step => step.StartsWith("CREATE EXTENSION", StringComparison.Ordinal)) ? "needs an administrator" : "not available on this server");
            table.Add("schema public", result.PublicCreateRevoked ? "CREATE revoked from PUBLIC"
                : result.AdministratorSteps.Any(step => step.StartsWith("REVOKE", StringComparison.Ordinal)) ? "needs an administrator" : "PUBLIC cannot create objects");
            await table.WriteAsync(context.Output).ConfigureAwait(false);
            foreach (var step in result.AdministratorSteps)
            {
                await context.Output.WriteLineAsync($"An administrator must run: {step}").ConfigureAwait(false);
            }

            await context.Output.WriteLineAsync(result.NothingChanged
                ? "Nothing to do."
                : $"Next: trading-timescale migrate --connection \"postgresql://{result.Owner}@<host>:<port>/{result.Database}\"").ConfigureAwait(false);
            return 0;
        }));
        return command;
    }
}
