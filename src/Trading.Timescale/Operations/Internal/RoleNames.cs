using System.Text;
using Npgsql;
using Trading.Timescale.Internal;

namespace Trading.Timescale.Operations.Internal;

/// <summary>Role names and the login role statements shared by roles and setup. Names are always quoted identifiers.</summary>
internal static class RoleNames
{
    public static void Validate(string? name, string argument, string what)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new ArgumentException($"{what} is empty: give a role name such as {(argument.Contains("app", StringComparison.OrdinalIgnoreCase) ? "app_user" : "analytics_user")}.", argument);
        }

        if (Encoding.UTF8.GetByteCount(name) > 63 || name.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException($"{what} '{name}' is not a valid role name: at most 63 bytes, no NUL character.", argument);
        }

        if (name.StartsWith("pg_", StringComparison.Ordinal))
        {
            throw new ArgumentException($"{what} '{name}' starts with pg_, which PostgreSQL reserves for its own roles; choose another name.", argument);
        }
    }

    /// <summary>
    /// Creates the login role, or on an existing one sets its password when given. Reads only <c>pg_roles</c> and
    /// <c>pg_auth_members</c> (never <c>pg_authid</c>), so a database owner that is not a superuser can run it. For a role
    /// that is not to own the database, refuses the connected role, the schema owner, and a role holding a power the
    /// application and analytics roles must not have (<see cref="ReadPowersAsync"/>) unless <paramref name="resetAttributes"/>
    /// removes them. Returns (created, password set, powers removed).
    /// </summary>
    public static async Task<(bool Created, bool PasswordSet, IReadOnlyList<string> RemovedPowers)> EnsureLoginRoleAsync(
        NpgsqlConnection connection, string name, string? password, string what, bool isOwner, bool resetAttributes, CancellationToken cancellationToken)
    {
        var existing = await ReadRoleAsync(connection, name, cancellationToken).ConfigureAwait(false);
        if (existing is null)
        {
            if (password is null)
            {
                throw new TradingOperationsException($"{what} '{name}' does not exist: give its password so it can be created.");
            }

            // The verifier is a literal: CREATE ROLE takes no parameters, and it holds only base64 and $:, never the plaintext.
            await OperationsSql.ExecuteAsync(connection, $"CREATE ROLE {PgIdentifier.Quote(name)} WITH LOGIN PASSWORD '{ScramSha256.CreateVerifier(password)}'", cancellationToken).ConfigureAwait(false);
            return (true, true, []);
        }

        IReadOnlyList<string> removed = [];
        if (!isOwner)
        {
            if (existing.Value.IsCurrentUser)
            {
                throw new TradingOperationsException($"{what} '{name}' is the role this connection uses; choose another name.");
            }

            if (existing.Value.IsSchemaOwner)
            {
                throw new TradingOperationsException($"{what} '{name}' owns the trading schema, so it could change or drop every table; choose another name.");
            }

            removed = await RemovePowersAsync(connection, name, what, resetAttributes, cancellationToken).ConfigureAwait(false);
        }

        var setPassword = password is not null ? $" PASSWORD '{ScramSha256.CreateVerifier(password)}'" : string.Empty;
        if (!existing.Value.CanLogin || password is not null)
        {
            await OperationsSql.ExecuteAsync(connection, $"ALTER ROLE {PgIdentifier.Quote(name)} WITH LOGIN{setPassword}", cancellationToken).ConfigureAwait(false);
        }

        return (false, password is not null, removed);
    }

    /// <summary>
    /// The powers of an existing role beyond what the application and analytics roles need, each as a phrase naming it and
    /// the statement that removes it (<see langword="null"/> for a membership held through another role and for owning the
    /// database): SUPERUSER, CREATEROLE, CREATEDB, BYPASSRLS, REPLICATION, owning the current database, and membership in the trading schema's owner, the database's owner, a
    /// <c>pg_*</c> role or a role with one of those attributes. Read from <c>pg_roles</c> and <c>pg_auth_members</c>.
    /// </summary>
    public static async Task<List<(string Power, string? Removal)>> ReadPowersAsync(NpgsqlConnection connection, string name, CancellationToken cancellationToken)
    {
        const string sql = """
            WITH target AS (SELECT oid, rolsuper FROM pg_roles WHERE rolname = $1),
            owners AS (
                SELECT nspowner AS oid, 'the owner of the trading schema' AS what FROM pg_namespace WHERE nspname = 'trading'
                UNION ALL
                SELECT datdba, 'the owner of database ' || quote_ident(current_database()) FROM pg_database WHERE datname = current_database())
            SELECT 'is ' || a.power, 'ALTER ROLE ' || quote_ident($1) || ' WITH NO' || a.keyword
            FROM pg_roles r JOIN target t ON t.oid = r.oid,
                 LATERAL (VALUES (r.rolsuper, 'SUPERUSER', 'a superuser (SUPERUSER)'), (r.rolcreaterole, 'CREATEROLE', 'allowed to create roles (CREATEROLE)'),
                                 (r.rolcreatedb, 'CREATEDB', 'allowed to create databases (CREATEDB)'), (r.rolbypassrls, 'BYPASSRLS', 'exempt from row security (BYPASSRLS)'),
                                 (r.rolreplication, 'REPLICATION', 'a replication role (REPLICATION)')) AS a(held, keyword, power)
            WHERE a.held
            UNION ALL
            SELECT 'owns database ' || quote_ident(current_database()), NULL
            FROM pg_database d JOIN target t ON t.oid = d.datdba WHERE d.datname = current_database()
            UNION ALL
            SELECT 'is a member of ' || quote_ident(r.rolname)
                       || coalesce(' (' || (SELECT string_agg(o.what, ', ') FROM owners o WHERE o.oid = r.oid) || ')', '')
                       || CASE WHEN m.direct THEN '' ELSE ' through another role' END,
                   CASE WHEN m.direct THEN 'REVOKE ' || quote_ident(r.rolname) || ' FROM ' || quote_ident($1) END
            FROM pg_roles r CROSS JOIN target t,
                 LATERAL (SELECT EXISTS (SELECT FROM pg_auth_members am WHERE am.roleid = r.oid AND am.member = t.oid) AS direct) AS m
            WHERE NOT t.rolsuper AND r.oid <> t.oid AND pg_has_role(t.oid, r.oid, 'MEMBER')
              AND (r.rolname LIKE 'pg\_%' OR r.oid IN (SELECT oid FROM owners)
                   OR r.rolsuper OR r.rolcreaterole OR r.rolcreatedb OR r.rolbypassrls OR r.rolreplication)
            """;
        var powers = new List<(string, string?)>();
        await foreach (var row in OperationsSql.QueryAsync(connection, sql, [name], cancellationToken).ConfigureAwait(false))
        {
            powers.Add((row.GetString(0), row.String(1)));
        }

        return powers;
    }

    /// <summary>Refuses a role with powers, or with <paramref name="reset"/> removes them; returns what was removed.</summary>
    private static async Task<IReadOnlyList<string>> RemovePowersAsync(NpgsqlConnection connection, string name, string what, bool reset, CancellationToken cancellationToken)
    {
        var powers = await ReadPowersAsync(connection, name, cancellationToken).ConfigureAwait(false);
        if (powers.Count > 0 && !reset)
        {
            throw new TradingOperationsException(
                $"{what} '{name}' already exists and {string.Join("; ", powers.Select(p => p.Power))}. It would keep those powers, so it is not reused: "
                + "remove them, choose another name, or run again with --reset-attributes (TradingRoles.ResetAttributes) to remove them.");
        }

        var removed = new List<string>();
        // Twice: memberships of a superuser show only once SUPERUSER is gone.
        for (var pass = 0; pass < 2 && powers.Count > 0; pass++)
        {
            foreach (var (power, removal) in powers.Where(p => p.Removal is not null))
            {
                // A savepoint keeps the transaction usable when the connected role may not remove a power.
                await OperationsSql.ExecuteAsync(connection, "SAVEPOINT remove_power", cancellationToken).ConfigureAwait(false);
                try
                {
                    await OperationsSql.ExecuteAsync(connection, removal!, cancellationToken).ConfigureAwait(false);
                    removed.Add(power);
                }
                catch (PostgresException ex) when (PostgresErrors.IsPermissionDenied(ex))
                {
                    await OperationsSql.ExecuteAsync(connection, "ROLLBACK TO SAVEPOINT remove_power", cancellationToken).ConfigureAwait(false);
                }

                await OperationsSql.ExecuteAsync(connection, "RELEASE SAVEPOINT remove_power", cancellationToken).ConfigureAwait(false);
            }

            powers = await ReadPowersAsync(connection, name, cancellationToken).ConfigureAwait(false);
        }

        if (powers.Count > 0)
        {
            throw new TradingOperationsException(
                $"{what} '{name}' still {string.Join("; ", powers.Select(p => p.Power))} after --reset-attributes: the connected role {connection.UserName} "
                + "may not remove it (SUPERUSER, BYPASSRLS and REPLICATION need a superuser; a membership through another role is revoked from that role). "
                + "Ask an administrator to remove it, or choose another name.");
        }

        return removed;
    }

    private static async Task<(bool IsCurrentUser, bool IsSchemaOwner, bool CanLogin)?> ReadRoleAsync(NpgsqlConnection connection, string name, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT r.rolname = current_user, r.oid IS NOT DISTINCT FROM (SELECT nspowner FROM pg_namespace WHERE nspname = 'trading'), r.rolcanlogin
            FROM pg_roles r WHERE r.rolname = $1
            """;
        await foreach (var row in OperationsSql.QueryAsync(connection, sql, [name], cancellationToken).ConfigureAwait(false))
        {
            return (row.GetBoolean(0), row.GetBoolean(1), row.GetBoolean(2));
        }

        return null;
    }
}
