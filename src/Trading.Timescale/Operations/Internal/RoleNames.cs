using System.Text;
using Npgsql;

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
    /// Creates the login role, or on an existing one sets its password when given and different. Refuses a superuser and
    /// the connected role itself unless it is to own the database. Returns (created, password changed).
    /// </summary>
    public static async Task<(bool Created, bool PasswordChanged)> EnsureLoginRoleAsync(NpgsqlConnection connection, string name, string? password, string what, bool isOwner, CancellationToken cancellationToken)
    {
        var existing = await ReadRoleAsync(connection, name, cancellationToken).ConfigureAwait(false);
        if (existing is null)
        {
            if (password is null)
            {
                throw new TradingOperationsException($"{what} '{name}' does not exist: give its password so it can be created.");
            }

            // The verifier is a literal: CREATE ROLE takes no parameters, and it holds only base64 and $:, never the plaintext.
            await OperationsSql.ExecuteAsync(connection, $"CREATE ROLE {OperationsSql.Quote(name)} WITH LOGIN PASSWORD '{ScramSha256.CreateVerifier(password)}'", cancellationToken).ConfigureAwait(false);
            return (true, true);
        }

        if (existing.Value.IsSuperuser && !isOwner)
        {
            throw new TradingOperationsException($"{what} '{name}' is an existing superuser; it would keep every privilege, so choose another name.");
        }

        if (existing.Value.IsCurrentUser && !isOwner)
        {
            throw new TradingOperationsException($"{what} '{name}' is the role this connection uses; choose another name.");
        }

        var changed = password is not null && !ScramSha256.Matches(existing.Value.Verifier, password);
        var setPassword = changed ? $" PASSWORD '{ScramSha256.CreateVerifier(password!)}'" : string.Empty;
        if (!existing.Value.CanLogin || changed)
        {
            await OperationsSql.ExecuteAsync(connection, $"ALTER ROLE {OperationsSql.Quote(name)} WITH LOGIN{setPassword}", cancellationToken).ConfigureAwait(false);
        }

        return (false, changed);
    }

    private static async Task<(bool IsSuperuser, bool IsCurrentUser, bool CanLogin, string? Verifier)?> ReadRoleAsync(NpgsqlConnection connection, string name, CancellationToken cancellationToken)
    {
        // pg_authid (the stored verifier) is readable by superusers only; others always set a given password.
        const string sql = """
            SELECT r.rolsuper, r.rolname = current_user, r.rolcanlogin,
                   CASE WHEN (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
                        THEN (SELECT a.rolpassword FROM pg_authid a WHERE a.oid = r.oid) END
            FROM pg_roles r WHERE r.rolname = $1
            """;
        await foreach (var row in OperationsSql.QueryAsync(connection, sql, [name], cancellationToken).ConfigureAwait(false))
        {
            return (row.GetBoolean(0), row.GetBoolean(1), row.GetBoolean(2), OperationsSql.ReadString(row, 3));
        }

        return null;
    }
}
