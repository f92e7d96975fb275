using System.Text;
using Trading.Timescale.Operations.Internal;
using static Trading.Timescale.Internal.PgIdentifier;
using static Trading.Timescale.Operations.Internal.OperationsSql;
using Trading.Timescale.ScaleOut.Internal;

namespace Trading.Timescale.Operations;

public sealed partial class TradingOperations
{
    /// <summary>The tables the retention and audit rules trust: readable, never written by the application role.</summary>
    public static IReadOnlyList<string> ProtectedTables { get; } = ["schema_migrations", "settings", "system_events_critical"];

    /// <summary>
    /// Creates or updates the analytics (read-only) and application login roles of the trading schema, in one transaction.
    /// Analytics: CONNECT, USAGE on the schema and SELECT on every table and view. Application: the same, plus INSERT and
    /// UPDATE on every table except <see cref="ProtectedTables"/>, and USAGE on the sequences; no DELETE, TRUNCATE or DDL.
    /// Default privileges give both the same on tables the schema owner (and the connected role) create later; new chunks
    /// take their hypertable's privileges. Passwords go to the server as SCRAM-SHA-256 verifiers computed here, so no
    /// plaintext reaches its log, <c>pg_stat_activity</c> or <c>pg_stat_statements</c>. Re-running updates the roles:
    /// privileges are reset to the above, and a given password is set. An existing role that is a superuser, has CREATEROLE,
    /// CREATEDB, BYPASSRLS or REPLICATION, or is a member of the schema owner, the database owner or a <c>pg_*</c> role is
    /// refused, naming the power, unless <see cref="TradingRoles.ResetAttributes"/> removes those powers. Roles are read from
    /// <c>pg_roles</c> and <c>pg_auth_members</c> only, so the database owner with CREATEROLE can run it without being a superuser.
    /// </summary>
    /// <param name="roles">The role names and passwords.</param>
    /// <param name="cancellationToken">Cancels the call; nothing is changed then.</param>
    /// <returns>What was done to each role.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="roles"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A role name is empty, too long or reserved, or both names are the same.</exception>
    /// <exception cref="TradingOperationsException">The schema is not installed; a role is the connected role or the schema owner; an
    /// existing role holds a power listed above and <see cref="TradingRoles.ResetAttributes"/> is off, or the connected role may not
    /// remove it; or a new role has no password.</exception>
    public async Task<IReadOnlyList<RoleResult>> ApplyRolesAsync(TradingRoles roles, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(roles);
        RoleNames.Validate(roles.AnalyticsUser, nameof(roles), "the analytics role name");
        RoleNames.Validate(roles.AppUser, nameof(roles), "the application role name");
        if (roles.AnalyticsUser == roles.AppUser)
        {
            throw new ArgumentException($"the analytics and application roles are both '{roles.AppUser}'; give them different names.", nameof(roles));
        }

        var connection = await PrimaryConnection.OpenAsync(_dataSource, cancellationToken).ConfigureAwait(false);
        await using var connectionScope = connection.ConfigureAwait(false);
        if (!await ScalarAsync<bool>(connection, "SELECT to_regnamespace('trading') IS NOT NULL", cancellationToken).ConfigureAwait(false))
        {
            throw new TradingOperationsException($"database {connection.Database} has no trading schema: run `trading-timescale migrate` first.");
        }

        var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var transactionScope = transaction.ConfigureAwait(false);
        var relations = new List<(string Name, bool IsTable)>();
        await foreach (var row in QueryAsync(connection, """
            SELECT c.relname::text, c.relkind IN ('r', 'p') FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'trading' AND c.relkind IN ('r', 'p', 'v', 'm') ORDER BY c.relname
            """, null, cancellationToken).ConfigureAwait(false))
        {
            relations.Add((row.GetString(0), row.GetBoolean(1)));
        }

        var creators = new List<string>();
        await foreach (var row in QueryAsync(connection, """
            SELECT DISTINCT r.rolname::text FROM pg_roles r
            WHERE (r.rolname = current_user OR r.oid = (SELECT nspowner FROM pg_namespace WHERE nspname = 'trading'))
              AND pg_has_role(current_user, r.oid, 'MEMBER')
            """, null, cancellationToken).ConfigureAwait(false))
        {
            creators.Add(row.GetString(0));
        }

        var writable = relations.Where(r => r.IsTable && !ProtectedTables.Contains(r.Name)).Select(r => r.Name).ToList();
        var results = new List<RoleResult>();
        foreach (var (name, password, kind) in new[] { (roles.AnalyticsUser, roles.AnalyticsPassword, "analytics"), (roles.AppUser, roles.AppPassword, "app") })
        {
            var (created, changed, removed) = await RoleNames.EnsureLoginRoleAsync(connection, name, password, $"the {kind} role", isOwner: false, roles.ResetAttributes, cancellationToken).ConfigureAwait(false);
            var role = Quote(name);
            var sql = new StringBuilder();
            sql.Append($"GRANT CONNECT ON DATABASE {Quote(connection.Database)} TO {role};\n");
            sql.Append($"GRANT USAGE ON SCHEMA trading TO {role};\nREVOKE CREATE ON SCHEMA trading FROM {role};\n");
            sql.Append($"REVOKE ALL ON ALL SEQUENCES IN SCHEMA trading FROM {role};\n");
            foreach (var (relation, _) in relations)
            {
                sql.Append($"REVOKE ALL ON trading.{Quote(relation)} FROM {role};\nGRANT SELECT ON trading.{Quote(relation)} TO {role};\n");
            }

            var app = kind == "app";
            if (app)
            {
                foreach (var table in writable)
                {
                    sql.Append($"GRANT INSERT, UPDATE ON trading.{Quote(table)} TO {role};\n");
                }

                sql.Append($"GRANT USAGE ON ALL SEQUENCES IN SCHEMA trading TO {role};\n");
            }

            foreach (var creator in creators)
            {
                var prefix = $"ALTER DEFAULT PRIVILEGES FOR ROLE {Quote(creator)} IN SCHEMA trading";
                sql.Append($"{prefix} REVOKE ALL ON TABLES FROM {role};\n{prefix} REVOKE ALL ON SEQUENCES FROM {role};\n");
                sql.Append(app
                    ? $"{prefix} GRANT SELECT, INSERT, UPDATE ON TABLES TO {role};\n{prefix} GRANT USAGE ON SEQUENCES TO {role};\n"
                    : $"{prefix} GRANT SELECT ON TABLES TO {role};\n");
            }

            await ExecuteAsync(connection, sql.ToString(), cancellationToken).ConfigureAwait(false);
            results.Add(new RoleResult(name, kind, created, changed, app ? writable : [], relations.Count, removed));
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return results;
    }
}
