using System.CommandLine;
using System.Text.Json.Nodes;
using Trading.Timescale.Operations;

namespace Trading.Timescale.Cli.Commands;

/// <summary><c>trading-timescale roles apply</c>: the analytics (read-only) and application roles.</summary>
internal static class RolesCommand
{
    public static Command Create()
    {
        var analyticsUser = new Option<string>("--analytics-user") { Description = "The read-only analytics role's name.", Required = true };
        var analyticsPassword = new Option<string?>("--analytics-password-file") { Description = "A file holding the analytics role's password, or - for standard input. Needed to create the role." };
        var appUser = new Option<string>("--app-user") { Description = "The application role's name.", Required = true };
        var appPassword = new Option<string?>("--app-password-file") { Description = "A file holding the application role's password, or - for standard input (after the analytics one). Needed to create the role." };
        var resetAttributes = new Option<bool>("--reset-attributes") { Description = "Removes SUPERUSER, CREATEROLE, CREATEDB, BYPASSRLS, REPLICATION and memberships in the schema owner, the database owner and pg_* roles from an existing role instead of refusing it." };
        var apply = new Command("apply",
            "Creates or updates the analytics role (SELECT on the trading schema) and the application role (SELECT, INSERT, UPDATE on the data tables and positions, USAGE on sequences; no DELETE, no DDL, no write to schema_migrations, settings or system_events_critical), with default privileges for tables created later. Passwords are read from files or standard input and sent as SCRAM-SHA-256 verifiers. An existing role with more powers than these is refused unless --reset-attributes removes them. Run it as the schema owner (a database owner with CREATEROLE needs no superuser).");
        apply.Options.Add(analyticsUser);
        apply.Options.Add(analyticsPassword);
        apply.Options.Add(appUser);
        apply.Options.Add(appPassword);
        apply.Options.Add(resetAttributes);
        apply.SetAction(CliContext.Action(async (context, cancellationToken) =>
        {
            var roles = new TradingRoles
            {
                AnalyticsUser = context.ParseResult.GetValue(analyticsUser)!,
                AnalyticsPassword = context.ParseResult.GetValue(analyticsPassword) is { } a ? await context.ReadPasswordAsync(a, "--analytics-password-file", cancellationToken).ConfigureAwait(false) : null,
                AppUser = context.ParseResult.GetValue(appUser)!,
                AppPassword = context.ParseResult.GetValue(appPassword) is { } p ? await context.ReadPasswordAsync(p, "--app-password-file", cancellationToken).ConfigureAwait(false) : null,
                ResetAttributes = context.ParseResult.GetValue(resetAttributes),
            };
            var database = context.OpenDatabase();
            await using var databaseScope = database.ConfigureAwait(false);
            var results = await database.Operations.ApplyRolesAsync(roles, cancellationToken).ConfigureAwait(false);
            if (context.Json)
            {
                await CliFormat.WriteJsonAsync(context.Output, new JsonObject
                {
                    ["roles"] = new JsonArray([.. results.Select(r => (JsonNode)new JsonObject
                    {
                        ["name"] = r.Name, ["kind"] = r.Kind, ["created"] = r.Created, ["passwordChanged"] = r.PasswordChanged,
                        ["readableRelations"] = r.ReadableRelations, ["writableTables"] = new JsonArray([.. r.WritableTables.Select(t => (JsonNode)t)]),
                        ["removedPowers"] = new JsonArray([.. r.RemovedPowers.Select(p => (JsonNode)p)]),
                    })]),
                }).ConfigureAwait(false);
                return 0;
            }

            var table = new TextTable("ROLE", "KIND", "ACTION", "PASSWORD", "READS", "WRITES");
            foreach (var r in results)
            {
                table.Add(r.Name, r.Kind, r.Created ? "created" : "updated", r.PasswordChanged ? "set" : "unchanged",
                    $"{r.ReadableRelations} relation(s)", r.WritableTables.Count == 0 ? "none" : string.Join(", ", r.WritableTables));
            }

            await table.WriteAsync(context.Output).ConfigureAwait(false);
            foreach (var r in results.Where(r => r.RemovedPowers.Count > 0))
            {
                await context.Output.WriteLineAsync($"Powers removed from {r.Name}: {string.Join("; ", r.RemovedPowers)}.").ConfigureAwait(false);
            }

            return 0;
        }));
        var command = new Command("roles", "Manages the analytics and application login roles.");
        command.Subcommands.Add(apply);
        return command;
    }
}
