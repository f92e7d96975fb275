using Npgsql;
using Trading.Timescale.Internal;

namespace Trading.Timescale.Operations;

// A restore that replaces a database: staged under a derived name, swapped in by renames, the old one dropped.
public sealed partial class TradingBackups
{
    // Gives the restored database the target's name: the target stops taking connections, its sessions end, and both
    // renames commit in one transaction; then the old database is dropped.
    private async Task SwapAsync(NpgsqlConnection maintenance, string target, string staging, CancellationToken cancellationToken)
    {
        var retired = DerivedName(target, "_replaced_" + Guid.NewGuid().ToString("N")[..8]);
        await ExecuteAsync(maintenance, $"ALTER DATABASE {PgIdentifier.Quote(target)} WITH ALLOW_CONNECTIONS false", cancellationToken).ConfigureAwait(false);
        for (var attempt = 1; ; attempt++)
        {
            await TerminateSessionsAsync(maintenance, target, cancellationToken).ConfigureAwait(false);
            try
            {
                var transaction = await maintenance.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                await using (transaction.ConfigureAwait(false))
                {
                    await ExecuteAsync(maintenance, $"ALTER DATABASE {PgIdentifier.Quote(target)} RENAME TO {PgIdentifier.Quote(retired)}", cancellationToken).ConfigureAwait(false);
                    await ExecuteAsync(maintenance, $"ALTER DATABASE {PgIdentifier.Quote(staging)} RENAME TO {PgIdentifier.Quote(target)}", cancellationToken).ConfigureAwait(false);
                    await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                }

                break;
            }
            catch (PostgresException ex) when (PostgresErrors.IsObjectInUse(ex) && attempt < 10)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is NpgsqlException or OperationCanceledException)
            {
                await ExecuteQuietlyAsync(maintenance, $"ALTER DATABASE {PgIdentifier.Quote(target)} WITH ALLOW_CONNECTIONS true").ConfigureAwait(false);
                throw new TradingBackupException(
                    $"the backup was restored into database {staging}, and it could not take the name {target}: {ex.Message}; database {target} was not changed. " +
                    $"Rename them when no session uses {target}, or drop {staging}.", ex);
            }
        }

        await DropQuietlyAsync(retired).ConfigureAwait(false);
    }

    private static async Task TerminateSessionsAsync(NpgsqlConnection maintenance, string database, CancellationToken cancellationToken)
    {
        try
        {
            using var command = new NpgsqlCommand(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_catalog.pg_stat_activity WHERE datname = @name AND pid <> pg_backend_pid()", maintenance);
            command.Parameters.AddWithValue("name", database);
            await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException ex) when (PostgresErrors.IsPermissionDenied(ex))
        {
            // Sessions of other roles stay; the rename waits for them and reports when they do not end.
        }
    }

    private async Task DropQuietlyAsync(string database)
    {
        try
        {
            var connection = new NpgsqlConnection(_connection.ForDatabase(MaintenanceDatabase).ConnectionString);
            await using (connection.ConfigureAwait(false))
            {
                await connection.OpenAsync(CancellationToken.None).ConfigureAwait(false);
                await ExecuteAsync(connection, $"DROP DATABASE IF EXISTS {PgIdentifier.Quote(database)} WITH (FORCE)", CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (NpgsqlException)
        {
            // Left behind under a name that says what it is.
        }
    }

    private static async Task ExecuteQuietlyAsync(NpgsqlConnection connection, string sql)
    {
        try
        {
            await ExecuteAsync(connection, sql, CancellationToken.None).ConfigureAwait(false);
        }
        catch (NpgsqlException)
        {
            // Best effort on the way out of a failure that is reported.
        }
    }

    // A database name of at most 63 bytes: the target's name, shortened when needed, then the suffix.
    private static string DerivedName(string target, string suffix)
    {
        var prefix = target;
        while (System.Text.Encoding.UTF8.GetByteCount(prefix + suffix) > 63)
        {
            prefix = prefix[..^1];
        }

        return prefix + suffix;
    }
}
