using Npgsql;
using Trading.Timescale.Operations.Internal;
using static Trading.Timescale.Internal.PgIdentifier;
using static Trading.Timescale.Operations.Internal.OperationsSql;
using Trading.Timescale.Internal;

namespace Trading.Timescale.Operations;

public sealed partial class TradingOperations
{
    /// <summary>
    /// Creates the database and its owner role when they are missing, and the
    /// timescaledb extension in it when the server has one; idempotent, so a second run changes nothing. The owner role
    /// gets LOGIN and the password, sent as a SCRAM-SHA-256 verifier; an existing role keeps its attributes, and a
    /// given password is set. An existing database owned by another role gets ALL PRIVILEGES granted to
    /// the owner instead. Where schema public still lets every role create objects (databases from before PostgreSQL 15), it
    /// revokes that. The connecting role needs no superuser: CREATEROLE and CREATEDB do (it becomes a member of the owner role,
    /// as PostgreSQL 15 requires to give it a database). A step it may not do fails with a message naming the privilege, except
    /// the extension and the public schema, which are listed in <see cref="DatabaseSetupResult.AdministratorSteps"/> for an
    /// administrator to run.
    /// </summary>
    /// <param name="adminConnectionString">A connection string or <c>postgresql://</c> URL of a role that may create roles and
    /// databases (and the extension), to a database that exists, such as <c>postgres</c>.</param>
    /// <param name="request">The database, the owner role and its password.</param>
    /// <param name="cancellationToken">Cancels the call between steps.</param>
    /// <returns>What was done.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="adminConnectionString"/> or <paramref name="request"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The connection string cannot be read, or a name is empty, too long or reserved.</exception>
    /// <exception cref="TradingOperationsException">The owner role is missing and no password was given, or the connected role lacks
    /// CREATEROLE or CREATEDB for a step that is needed.</exception>
    public static async Task<DatabaseSetupResult> SetupDatabaseAsync(string adminConnectionString, DatabaseSetupRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(adminConnectionString);
        ArgumentNullException.ThrowIfNull(request);
        RoleNames.Validate(request.Owner, nameof(request), "the owner role name");
        if (string.IsNullOrWhiteSpace(request.Database) || System.Text.Encoding.UTF8.GetByteCount(request.Database) > 63 || request.Database.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException($"the database name '{request.Database}' is not valid: give a name of 1 to 63 bytes such as trading_db.", nameof(request));
        }

        // Unpooled: no idle connection to the new database stays behind.
        var admin = new NpgsqlConnectionStringBuilder(TradingConnectionString.Normalize(adminConnectionString)) { Pooling = false }.ToPrimary();
        bool roleCreated, passwordChanged, databaseCreated = false, privilegesGranted = false;
        var administratorSteps = new List<string>();
        var connection = new NpgsqlConnection(admin.ConnectionString);
        await using (connection.ConfigureAwait(false))
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            var superuser = await ScalarAsync<bool>(connection, "SELECT rolsuper FROM pg_roles WHERE rolname = current_user", cancellationToken).ConfigureAwait(false);
            (roleCreated, passwordChanged, _) = await NeedsAdministratorAsync(
                () => RoleNames.EnsureLoginRoleAsync(connection, request.Owner, request.OwnerPassword, "the owner role", isOwner: true, resetAttributes: false, cancellationToken),
                $"creating or changing the owner role {Quote(request.Owner)} needs CREATEROLE").ConfigureAwait(false);
            passwordChanged &= !roleCreated;
            string? owner = null;
            await foreach (var row in QueryAsync(connection, "SELECT pg_get_userbyid(datdba)::text FROM pg_database WHERE datname = $1", [request.Database], cancellationToken).ConfigureAwait(false))
            {
                owner = row.GetString(0);
            }

            if (owner is null)
            {
                // PostgreSQL 15 lets a role that is not a superuser give a database only to a role it is a member of.
                if (!superuser && !await ScalarAsync<bool>(connection, "SELECT pg_has_role(current_user, $1, 'MEMBER')", cancellationToken, request.Owner).ConfigureAwait(false))
                {
                    await NeedsAdministratorAsync(
                        () => ExecuteAsync(connection, $"GRANT {Quote(request.Owner)} TO CURRENT_USER", cancellationToken),
                        $"creating database {Quote(request.Database)} owned by {Quote(request.Owner)} needs membership in that role (CREATEROLE grants it)").ConfigureAwait(false);
                }

                await NeedsAdministratorAsync(
                    () => ExecuteAsync(connection, $"CREATE DATABASE {Quote(request.Database)} OWNER {Quote(request.Owner)}", cancellationToken),
                    $"creating database {Quote(request.Database)} needs CREATEDB").ConfigureAwait(false);
                databaseCreated = true;
            }
            else if (owner != request.Owner
                && !await ScalarAsync<bool>(connection, "SELECT has_database_privilege($1, $2, 'CREATE, CONNECT, TEMPORARY')", cancellationToken, request.Owner, request.Database).ConfigureAwait(false))
            {
                await NeedsAdministratorAsync(
                    () => ExecuteAsync(connection, $"GRANT ALL PRIVILEGES ON DATABASE {Quote(request.Database)} TO {Quote(request.Owner)}", cancellationToken),
                    $"granting privileges on database {Quote(request.Database)}, owned by {Quote(owner)}, needs that owner or a superuser").ConfigureAwait(false);
                privilegesGranted = true;
            }
        }

        bool extensionCreated = false, publicCreateRevoked = false;
        string? version;
        var target = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(admin.ConnectionString) { Database = request.Database }.ConnectionString);
        await using (target.ConfigureAwait(false))
        {
            await target.OpenAsync(cancellationToken).ConfigureAwait(false);
            version = await ScalarAsync<string>(target, "SELECT extversion::text FROM pg_extension WHERE extname = 'timescaledb'", cancellationToken).ConfigureAwait(false);
            if (version is null && await ScalarAsync<bool>(target, "SELECT EXISTS (SELECT FROM pg_available_extensions WHERE name = 'timescaledb')", cancellationToken).ConfigureAwait(false))
            {
                if (await TryAsAdministratorAsync(target, "CREATE EXTENSION IF NOT EXISTS timescaledb", cancellationToken).ConfigureAwait(false))
                {
                    version = await ScalarAsync<string>(target, "SELECT extversion::text FROM pg_extension WHERE extname = 'timescaledb'", cancellationToken).ConfigureAwait(false);
                    extensionCreated = true;
                }
                else
                {
                    administratorSteps.Add($"CREATE EXTENSION timescaledb; in database {Quote(request.Database)}: the connected role may not create it (a superuser or the service's console can)");
                }
            }

            // Databases made before PostgreSQL 15 (or from such a template) still let every role create objects in schema public.
            const string publicCreate = """
                SELECT EXISTS (SELECT FROM pg_namespace n, aclexplode(coalesce(n.nspacl, acldefault('n', n.nspowner))) a
                               WHERE n.nspname = 'public' AND a.grantee = 0 AND a.privilege_type = 'CREATE')
                """;
            if (await ScalarAsync<bool>(target, publicCreate, cancellationToken).ConfigureAwait(false))
            {
                // REVOKE by a role without the grant option only warns, so the grant is read again.
                await TryAsAdministratorAsync(target, "REVOKE CREATE ON SCHEMA public FROM PUBLIC", cancellationToken).ConfigureAwait(false);
                if (!await ScalarAsync<bool>(target, publicCreate, cancellationToken).ConfigureAwait(false))
                {
                    publicCreateRevoked = true;
                }
                else
                {
                    administratorSteps.Add($"REVOKE CREATE ON SCHEMA public FROM PUBLIC; in database {Quote(request.Database)}: only the owner of schema public or a superuser may");
                }
            }
        }

        return new DatabaseSetupResult(request.Database, request.Owner, roleCreated, passwordChanged, databaseCreated, privilegesGranted, extensionCreated, version,
            publicCreateRevoked, administratorSteps);
    }

    /// <summary>Runs a step the setup cannot do without; a missing privilege becomes an error that says what an administrator must do.</summary>
    private static async Task<T> NeedsAdministratorAsync<T>(Func<Task<T>> step, string what)
    {
        try
        {
            return await step().ConfigureAwait(false);
        }
        catch (PostgresException ex) when (PostgresErrors.IsPermissionDenied(ex))
        {
            throw new TradingOperationsException($"{what}, which the connected role lacks ({ex.MessageText}): ask an administrator to do this step, or connect as one.", ex);
        }
    }

    private static Task NeedsAdministratorAsync(Func<Task> step, string what) =>
        NeedsAdministratorAsync(async () =>
        {
            await step().ConfigureAwait(false);
            return true;
        }, what);

    /// <summary>Runs a step an administrator may do instead; <see langword="false"/> when the connected role lacks the privilege.</summary>
    private static async Task<bool> TryAsAdministratorAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        try
        {
            await ExecuteAsync(connection, sql, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (PostgresException ex) when (PostgresErrors.IsPermissionDenied(ex))
        {
            return false;
        }
    }
}
