using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Trading.Timescale.Schema.Internal;

/// <summary>
/// The installer's session-level advisory lock, held on one connection for a whole migration, so that
/// concurrent installers of the same database run one after the other.
/// </summary>
internal static class SchemaLock
{
    /// <summary>The fixed lock key ("TradTSDB"); advisory locks are per database.</summary>
    public const long Key = 0x5472_6164_5453_4442;

    private static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan LongestDelay = TimeSpan.FromSeconds(1);

    /// <summary>Takes the lock, retrying with back-off; returns how long it waited.</summary>
    public static async Task<TimeSpan> AcquireAsync(NpgsqlConnection connection, TimeSpan timeout, ILogger logger, CancellationToken cancellationToken)
    {
        var waited = Stopwatch.StartNew();
        var delay = FirstDelay;
        var reported = false;
        while (true)
        {
            using (var command = new NpgsqlCommand("SELECT pg_try_advisory_lock($1)", connection))
            {
                command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = Key });
                if ((bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!)
                {
                    return waited.Elapsed;
                }
            }

            if (!reported)
            {
                SchemaLog.WaitingForLock(logger, connection.Database, await HolderAsync(connection, cancellationToken).ConfigureAwait(false));
                reported = true;
            }

            if (waited.Elapsed >= timeout)
            {
                var holder = await HolderAsync(connection, cancellationToken).ConfigureAwait(false);
                throw new TradingSchemaException(
                    $"Another installer has held the schema lock of database {connection.Database} (process {holder?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unknown"}) for longer than TradingTimescale:LockTimeout ({timeout}): wait for it to finish, or end that session with pg_terminate_backend if it hangs.");
            }

            SchemaLog.LockRetry(logger, connection.Database, (long)delay.TotalMilliseconds);
            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, LongestDelay.Ticks));
        }
    }

    public static async Task ReleaseAsync(NpgsqlConnection connection, ILogger logger)
    {
        if (connection.FullState != System.Data.ConnectionState.Open)
        {
            return;
        }

        try
        {
            using var command = new NpgsqlCommand("SELECT pg_advisory_unlock($1)", connection);
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = Key });
            await command.ExecuteScalarAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (NpgsqlException ex)
        {
            SchemaLog.UnlockFailed(logger, ex, connection.Database);
        }
    }

    private static async Task<int?> HolderAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        using var command = new NpgsqlCommand(
            """
            SELECT pid FROM pg_catalog.pg_locks
            WHERE locktype = 'advisory' AND granted AND objsubid = 1
              AND database = (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database())
              AND classid::bigint = ($1 >> 32) AND objid::bigint = ($1 & 4294967295)
            LIMIT 1
            """, connection);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = Key });
        var result = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return result is int pid ? pid : null;
    }
}
