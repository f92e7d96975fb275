using System.Globalization;
using System.Text;
using Npgsql;
using Trading.Timescale.Schema;

namespace Trading.Timescale.Testing;

/// <summary>A throwaway database on a <see cref="TimescaleTestServer"/>; disposing it drops it.</summary>
public sealed class TimescaleTestDatabase : IAsyncDisposable
{
    private readonly string _adminConnectionString;

    internal TimescaleTestDatabase(string name, string connectionString, string adminConnectionString, TimescaleServerInfo serverInfo, bool backgroundJobsPaused)
    {
        BackgroundJobsPaused = backgroundJobsPaused;
        Name = name;
        ConnectionString = connectionString;
        _adminConnectionString = adminConnectionString;
        ServerInfo = serverInfo;
    }

    /// <summary>The database name.</summary>
    public string Name { get; }

    /// <summary>A superuser connection string to this database.</summary>
    public string ConnectionString { get; }

    /// <summary>The server's versions and edition, read in this database (with the extension created).</summary>
    public TimescaleServerInfo ServerInfo { get; }

    /// <summary>The server's TimescaleDB edition.</summary>
    public TimescaleEdition Edition => ServerInfo.Edition;

    /// <summary>
    /// Whether TimescaleDB's job scheduler is kept from running in this database, so no job runs by wall clock (the
    /// default; see <see cref="TimescaleTestServerOptions.BackgroundJobs"/>). <c>CALL run_job(id)</c> still runs a job.
    /// </summary>
    public bool BackgroundJobsPaused { get; private set; }

    /// <summary>
    /// Lets TimescaleDB's job scheduler run in this database from now on: every scheduled job runs by wall clock, as in
    /// production. The database stops being a template database.
    /// </summary>
    /// <param name="cancellationToken">Cancels the change.</param>
    /// <returns>A task that completes when the scheduler has been asked to start.</returns>
    public async Task ResumeBackgroundJobsAsync(CancellationToken cancellationToken = default)
    {
        await TimescaleTestServer.ExecuteAsync(_adminConnectionString, $"ALTER DATABASE \"{Name}\" IS_TEMPLATE false", cancellationToken).ConfigureAwait(false);
        await TimescaleTestServer.ExecuteAsync(ConnectionString, SchedulerCall("start_background_workers"), cancellationToken).ConfigureAwait(false);
        BackgroundJobsPaused = false;
    }

    /// <summary>
    /// Stops TimescaleDB's job scheduler in this database and keeps it from starting again (it marks the database as
    /// a template, where TimescaleDB starts no scheduler). Jobs still run with <c>CALL run_job(id)</c>.
    /// </summary>
    /// <param name="cancellationToken">Cancels the change.</param>
    /// <returns>
    /// A task that completes when the scheduler and every job it had started in this database have stopped (the
    /// scheduler terminates its jobs as it stops), so nothing changes the database behind the caller's back.
    /// </returns>
    public async Task PauseBackgroundJobsAsync(CancellationToken cancellationToken = default)
    {
        await TimescaleTestServer.ExecuteAsync(_adminConnectionString, $"ALTER DATABASE \"{Name}\" IS_TEMPLATE true", cancellationToken).ConfigureAwait(false);
        await TimescaleTestServer.ExecuteAsync(ConnectionString, SchedulerCall("stop_background_workers"), cancellationToken).ConfigureAwait(false);
        var connection = new NpgsqlConnection(ConnectionString);
        await using (connection.ConfigureAwait(false))
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            using var workers = new NpgsqlCommand("""
                SELECT count(*) FROM pg_stat_activity
                WHERE datname = current_database() AND backend_type NOT IN ('client backend', 'autovacuum worker', 'parallel worker')
                """, connection);
            for (var waited = TimeSpan.Zero; (long)(await workers.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))! > 0; waited += PollInterval)
            {
                if (waited > TimeSpan.FromSeconds(60))
                {
                    throw new TimeoutException($"TimescaleDB background workers were still running in database {Name} 60 s after its scheduler was stopped.");
                }

                await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
            }
        }

        BackgroundJobsPaused = true;
    }

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>Drops the database, closing any connections still open to it.</summary>
    /// <returns>A task that completes when the database is dropped.</returns>
    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearPool(new NpgsqlConnection(ConnectionString));
        try
        {
            // A template database cannot be dropped.
            await TimescaleTestServer.ExecuteAsync(_adminConnectionString, $"ALTER DATABASE \"{Name}\" IS_TEMPLATE false", CancellationToken.None).ConfigureAwait(false);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.InvalidCatalogName)
        {
            return;
        }

        await TimescaleTestServer.ExecuteAsync(_adminConnectionString, $"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)", CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>Calls TimescaleDB's scheduler control function of this database, under its 2.x schema or the older one.</summary>
    private static string SchedulerCall(string function) => $"""
        DO $$
        BEGIN
            IF to_regprocedure('_timescaledb_functions.{function}()') IS NOT NULL THEN
                PERFORM _timescaledb_functions.{function}();
            ELSIF to_regprocedure('_timescaledb_internal.{function}()') IS NOT NULL THEN
                PERFORM _timescaledb_internal.{function}();
            END IF;
        END
        $$
        """;

    internal static string MakeName(string? prefix)
    {
        var clean = new StringBuilder("tt_");
        foreach (var c in (prefix ?? "test").ToLowerInvariant())
        {
            if (clean.Length >= 40)
            {
                break;
            }

            clean.Append(char.IsAsciiLetterOrDigit(c) ? c : '_');
        }

        return clean.Append('_').Append(Guid.NewGuid().ToString("N", CultureInfo.InvariantCulture)[..12]).ToString();
    }
}
