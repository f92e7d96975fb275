using System.Diagnostics;
using System.Net.Sockets;
using Npgsql;
using Trading.Timescale.Testing.Internal;

namespace Trading.Timescale.Testing;

/// <summary>
/// A streaming standby of a local-cluster <see cref="TimescaleTestServer"/>, made by
/// <see cref="TimescaleTestServer.AddStandbyAsync"/> with <c>pg_basebackup -R</c>: a hot standby on its own port and in
/// its own data directory that replays the primary's write-ahead log and serves read-only queries. Tests pause and resume
/// its replay to create lag, and promote it to take over from a stopped primary. Disposing it stops it and deletes its files.
/// </summary>
/// <example>
/// <code>
/// await using var primary = await TimescaleTestServer.StartAsync(cancellationToken);
/// await using var standby = await primary.AddStandbyAsync(cancellationToken);
/// await using var database = await primary.CreateDatabaseAsync("routing", cancellationToken);
/// var connectionString = primary.MultiHostConnectionString(database, standby); // Host=127.0.0.1:P1,127.0.0.1:P2;...
/// </code>
/// </example>
public sealed class TimescaleTestStandby : IAsyncDisposable
{
    private static readonly TimeSpan WaitTimeout = TimeSpan.FromMinutes(1);
    private readonly LocalCluster _cluster;
    private readonly string _primaryConnectionString;
    private int _disposed;

    internal TimescaleTestStandby(LocalCluster cluster, string primaryConnectionString)
    {
        _cluster = cluster;
        _primaryConnectionString = primaryConnectionString;
    }

    /// <summary>A superuser connection string to the standby's maintenance database (read-only while it is a standby).</summary>
    public string ConnectionString => _cluster.ConnectionString;

    /// <summary>The standby's port on 127.0.0.1.</summary>
    public int Port => _cluster.Port;

    /// <summary>The standby's data directory.</summary>
    public string DataDirectory => _cluster.DataDirectory;

    /// <summary>A connection string to database <paramref name="database"/> on this standby only.</summary>
    /// <param name="database">The database name, such as <see cref="TimescaleTestDatabase.Name"/>.</param>
    /// <returns>The connection string.</returns>
    /// <exception cref="ArgumentException"><paramref name="database"/> is empty.</exception>
    public string ConnectionStringFor(string database)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(database);
        return new NpgsqlConnectionStringBuilder(ConnectionString) { Database = database }.ConnectionString;
    }

    /// <summary>Pauses the replay of the write-ahead log (<c>pg_wal_replay_pause()</c>) and waits until it is paused: the standby keeps receiving but falls behind.</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when replay is paused.</returns>
    /// <exception cref="InvalidOperationException">The server is not in recovery (it was promoted).</exception>
    public async Task PauseReplayAsync(CancellationToken cancellationToken = default)
    {
        await ExecuteAsync("SELECT pg_wal_replay_pause()", cancellationToken).ConfigureAwait(false);
        await WaitUntilAsync("SELECT pg_get_wal_replay_pause_state() = 'paused'", "replay to pause", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Resumes the replay paused by <see cref="PauseReplayAsync"/> (<c>pg_wal_replay_resume()</c>).</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when replay runs again.</returns>
    /// <exception cref="InvalidOperationException">The server is not in recovery (it was promoted).</exception>
    public Task ResumeReplayAsync(CancellationToken cancellationToken = default) =>
        ExecuteAsync("SELECT pg_wal_replay_resume()", cancellationToken);

    /// <summary>Waits until the standby has replayed everything the primary had written when the call started.</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the standby has caught up.</returns>
    /// <exception cref="TimeoutException">It did not catch up within a minute (replay paused, or the primary is gone).</exception>
    public async Task WaitForReplayAsync(CancellationToken cancellationToken = default)
    {
        string target;
        var primary = new NpgsqlConnection(_primaryConnectionString);
        await using (primary.ConfigureAwait(false))
        {
            await primary.OpenAsync(cancellationToken).ConfigureAwait(false);
            using var command = new NpgsqlCommand("SELECT pg_current_wal_lsn()::text", primary);
            target = (string)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }

        await WaitUntilAsync($"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn", $"replay to reach {target}", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Promotes the standby to a primary (<c>pg_promote(wait => true)</c>), as a failover does, and waits until it
    /// accepts writes. Its replay is resumed first, so nothing received is lost.
    /// </summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the server is a primary.</returns>
    /// <exception cref="InvalidOperationException">The promotion failed or did not finish within a minute.</exception>
    public async Task PromoteAsync(CancellationToken cancellationToken = default)
    {
        var promoted = await ScalarAsync("SELECT pg_promote(wait => true, wait_seconds => 60)", cancellationToken).ConfigureAwait(false);
        if (promoted is not true)
        {
            throw new InvalidOperationException(
                $"pg_promote on the standby on 127.0.0.1:{Port} did not finish within 60 s. Last lines of its log:{Environment.NewLine}{_cluster.ReadLogTail()}");
        }

        await WaitUntilAsync("SELECT NOT pg_is_in_recovery()", "promotion", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops the standby in immediate mode; its files stay until it is disposed.</summary>
    /// <param name="cancellationToken">Cancels the wait for pg_ctl.</param>
    /// <returns>A task that completes when the server has stopped.</returns>
    /// <exception cref="InvalidOperationException">pg_ctl failed.</exception>
    public async Task StopServerAsync(CancellationToken cancellationToken = default)
    {
        await _cluster.StopImmediateAsync(cancellationToken).ConfigureAwait(false);
        NpgsqlConnection.ClearPool(new NpgsqlConnection(ConnectionString));
    }

    /// <summary>Stops the standby (a fast shutdown) and deletes its directory.</summary>
    /// <returns>A task that completes when the standby is gone.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        NpgsqlConnection.ClearPool(new NpgsqlConnection(ConnectionString));
        await _cluster.DisposeAsync().ConfigureAwait(false);
    }

    private async Task ExecuteAsync(string sql, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
        try
        {
            await TimescaleTestServer.ExecuteAsync(ConnectionString, sql, cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.ObjectNotInPrerequisiteState)
        {
            throw new InvalidOperationException($"The server on 127.0.0.1:{Port} is not a standby any more (it was promoted): {ex.MessageText}", ex);
        }
    }

    private async Task<object?> ScalarAsync(string sql, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
        var connection = new NpgsqlConnection(ConnectionString);
        await using (connection.ConfigureAwait(false))
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 90 };
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task WaitUntilAsync(string condition, string what, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        Exception? last = null;
        while (clock.Elapsed < WaitTimeout)
        {
            try
            {
                if (await ScalarAsync(condition, cancellationToken).ConfigureAwait(false) is true)
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is NpgsqlException or SocketException)
            {
                last = ex;
            }

            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }

        throw new TimeoutException(
            $"The standby on 127.0.0.1:{Port} did not finish waiting for {what} within {WaitTimeout.TotalSeconds:0} s{(last is null ? "" : $" ({last.Message})")}.");
    }
}
