using Npgsql;
using Trading.Timescale.Operations.Internal;
using static Trading.Timescale.Operations.Internal.OperationsSql;

namespace Trading.Timescale.Operations;

public sealed partial class TradingOperations
{
    /// <summary>
    /// Creates the database and its owner role when they are missing, and the
    /// timescaledb extension in it when the server has one; idempotent, so a second run changes nothing. The owner role
    /// gets LOGIN and the password, sent as a SCRAM-SHA-256 verifier; an existing role keeps its attributes, and its
    /// password is set only when it differs. An existing database owned by another role gets ALL PRIVILEGES granted to
    /// the owner instead.
    /// </summary>
    /// <param name="adminConnectionString">A connection string or <c>postgresql://</c> URL of a role that may create roles and
    /// databases (and the extension), to a database that exists, such as <c>postgres</c>.</param>
    /// <param name="request">The database, the owner role and its password.</param>
    /// <param name="cancellationToken">Cancels the call between steps.</param>
    /// <returns>What was done.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="adminConnectionString"/> or <paramref name="request"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The connection string cannot be read, or a name is empty, too long or reserved.</exception>
    /// <exception cref="TradingOperationsException">The owner role is missing and no password was given.</exception>
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
        var admin = new NpgsqlConnectionStringBuilder(TradingConnectionString.Normalize(adminConnectionString)) { Pooling = false };
        bool roleCreated, passwordChanged, databaseCreated = false, privilegesGranted = false;
        var connection = new NpgsqlConnection(admin.ConnectionString);
        await using (connection.ConfigureAwait(false))
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            (roleCreated, passwordChanged) = await RoleNames.EnsureLoginRoleAsync(connection, request.Owner, request.OwnerPassword, "the owner role", isOwner: true, cancellationToken).ConfigureAwait(false);
            passwordChanged &= !roleCreated;
            string? owner = null;
            await foreach (var row in QueryAsync(connection, "SELECT pg_get_userbyid(datdba)::text FROM pg_database WHERE datname = $1", [request.Database], cancellationToken).ConfigureAwait(false))
            {
                owner = row.GetString(0);
            }

            if (owner is null)
            {
                await ExecuteAsync(connection, $"CREATE DATABASE {Quote(request.Database)} OWNER {Quote(request.Owner)}", cancellationToken).ConfigureAwait(false);
                databaseCreated = true;
            }
            else if (owner != request.Owner
                && !await ScalarAsync<bool>(connection, "SELECT has_database_privilege($1, $2, 'CREATE, CONNECT, TEMPORARY')", cancellationToken, request.Owner, request.Database).ConfigureAwait(false))
            {
                await ExecuteAsync(connection, $"GRANT ALL PRIVILEGES ON DATABASE {Quote(request.Database)} TO {Quote(request.Owner)}", cancellationToken).ConfigureAwait(false);
                privilegesGranted = true;
            }
        }

        var extensionCreated = false;
        string? version;
        var target = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(admin.ConnectionString) { Database = request.Database }.ConnectionString);
        await using (target.ConfigureAwait(false))
        {
            await target.OpenAsync(cancellationToken).ConfigureAwait(false);
            version = await ScalarAsync<string>(target, "SELECT extversion::text FROM pg_extension WHERE extname = 'timescaledb'", cancellationToken).ConfigureAwait(false);
            if (version is null && await ScalarAsync<bool>(target, "SELECT EXISTS (SELECT FROM pg_available_extensions WHERE name = 'timescaledb')", cancellationToken).ConfigureAwait(false))
            {
                await ExecuteAsync(target, "CREATE EXTENSION IF NOT EXISTS timescaledb", cancellationToken).ConfigureAwait(false);
                version = await ScalarAsync<string>(target, "SELECT extversion::text FROM pg_extension WHERE extname = 'timescaledb'", cancellationToken).ConfigureAwait(false);
                extensionCreated = true;
            }
        }

        return new DatabaseSetupResult(request.Database, request.Owner, roleCreated, passwordChanged, databaseCreated, privilegesGranted, extensionCreated, version);
    }
}
