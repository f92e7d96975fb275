using System.Diagnostics.CodeAnalysis;
using System.Net.Sockets;
using System.Text;
using Npgsql;
using Testcontainers.PostgreSql;
using Trading.Timescale.Schema;
using Trading.Timescale.Testing.Internal;

namespace Trading.Timescale.Testing;

/// <summary>
/// A PostgreSQL + TimescaleDB server for integration tests. <see cref="StartAsync(CancellationToken)"/> uses, in order:
/// the server named by <c>TRADING_TIMESCALE_CONNECTION</c>; a Testcontainers container when a Docker engine answers;
/// a throwaway cluster started from the PostgreSQL binaries on this machine. Disposing it stops and deletes what it started.
/// </summary>
/// <example>
/// <code>
/// await using var server = await TimescaleTestServer.StartAsync(cancellationToken);
/// await using var database = await server.CreateDatabaseAsync("orders_tests", cancellationToken);
/// Console.WriteLine(server.Describe());
/// </code>
/// </example>
public sealed class TimescaleTestServer : IAsyncDisposable
{
    private readonly IAsyncDisposable? _owned;
    private readonly string _via;
    private readonly bool _backgroundJobs;
    private int _disposed;

    private TimescaleTestServer(
        string connectionString, TimescaleTestServerKind kind, TimescaleServerInfo serverInfo, string via, IAsyncDisposable? owned, bool backgroundJobs)
    {
        _backgroundJobs = backgroundJobs;
        ConnectionString = connectionString;
        Kind = kind;
        ServerInfo = serverInfo;
        _via = via;
        _owned = owned;
    }

    /// <summary>A superuser connection string to the server's maintenance database.</summary>
    public string ConnectionString { get; }

    /// <summary>How the server was obtained.</summary>
    public TimescaleTestServerKind Kind { get; }

    /// <summary>The server's PostgreSQL version and TimescaleDB version and edition.</summary>
    public TimescaleServerInfo ServerInfo { get; }

    /// <summary>The server's TimescaleDB edition.</summary>
    public TimescaleEdition Edition => ServerInfo.Edition;

    /// <summary>The local cluster behind this server, when <see cref="Kind"/> is <see cref="TimescaleTestServerKind.LocalCluster"/>.</summary>
    internal LocalCluster? LocalCluster => _owned as LocalCluster;

    /// <summary>Starts or connects to a server with the default <see cref="TimescaleTestServerOptions"/>.</summary>
    /// <param name="cancellationToken">Cancels the start; anything half-started is removed.</param>
    /// <returns>The running server.</returns>
    /// <exception cref="InvalidOperationException">No strategy could provide a server, or the configured server cannot be reached; the message says what to do.</exception>
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ in their first parameter, so no call is ambiguous.")]
    public static Task<TimescaleTestServer> StartAsync(CancellationToken cancellationToken = default) =>
        StartAsync(new TimescaleTestServerOptions(), cancellationToken);

    /// <summary>Starts or connects to a server, trying the strategies <paramref name="options"/> allows.</summary>
    /// <param name="options">Which strategies to try and how.</param>
    /// <param name="cancellationToken">Cancels the start; anything half-started is removed.</param>
    /// <returns>The running server.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">An option is out of range (a non-positive timeout, an empty image or OS user, an invalid setting name).</exception>
    /// <exception cref="InvalidOperationException">No strategy could provide a server, or the configured server cannot be reached; the message says what to do.</exception>
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ in their first parameter, so no call is ambiguous.")]
    public static async Task<TimescaleTestServer> StartAsync(TimescaleTestServerOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        Validate(options);

        if (ConfiguredServer(options) is { } configured)
        {
            return await ConnectExistingAsync(configured.Value, configured.Origin, options, cancellationToken).ConfigureAwait(false);
        }

        var tried = new List<string>
        {
            options.ConnectionStringVariable is null
                ? "Existing server: no connection string in the options, and the environment is not read (ConnectionStringVariable is null)."
                : $"Existing server: {options.ConnectionStringVariable} is not set.",
        };
        Exception? lastError = null;

        if (options.UseContainer)
        {
            var probe = await DockerEngineProbe.ProbeAsync(options.DockerProbeTimeout, cancellationToken).ConfigureAwait(false);
            if (probe.Available)
            {
                try
                {
                    return await StartContainerAsync(options, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
                {
                    tried.Add($"Docker ({options.ContainerImage}): {probe.Reason}, but the container did not start: {ex.Message}");
                    lastError = ex;
                }
            }
            else
            {
                tried.Add($"Docker ({options.ContainerImage}): {probe.Reason}.");
            }
        }
        else
        {
            tried.Add("Docker: not tried (UseContainer is false).");
        }

        if (options.UseLocalCluster)
        {
            try
            {
                return await StartLocalClusterAsync(options, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                tried.Add($"Local cluster: {ex.Message}");
                lastError = ex;
            }
        }
        else
        {
            tried.Add("Local cluster: not tried (UseLocalCluster is false).");
        }

        throw new InvalidOperationException(NoServerMessage(tried, options), lastError);
    }

    /// <summary>
    /// Creates a fresh, uniquely named database with the timescaledb extension (when the server has it). Its TimescaleDB
    /// background jobs do not run unless <see cref="TimescaleTestServerOptions.BackgroundJobs"/> is set (see
    /// <see cref="TimescaleTestDatabase.BackgroundJobsPaused"/>).
    /// </summary>
    /// <param name="namePrefix">A readable prefix for the database name, such as the test class name; it is lower-cased and shortened.</param>
    /// <param name="cancellationToken">Cancels the creation.</param>
    /// <returns>The database; dispose it to drop it.</returns>
    /// <exception cref="ObjectDisposedException">The server has been disposed.</exception>
    public async Task<TimescaleTestDatabase> CreateDatabaseAsync(string? namePrefix = null, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
        var name = TimescaleTestDatabase.MakeName(namePrefix);
        // TimescaleDB starts no job scheduler in a template database; created so, the scheduler never runs there,
        // whatever jobs the test adds later. Connections, reads and writes are not affected.
        var paused = !_backgroundJobs;
        await ExecuteAsync(ConnectionString, paused ? $"CREATE DATABASE \"{name}\" IS_TEMPLATE true" : $"CREATE DATABASE \"{name}\"", cancellationToken)
            .ConfigureAwait(false);

        var connectionString = new NpgsqlConnectionStringBuilder(ConnectionString) { Database = name }.ConnectionString;
        var info = ServerInfo;
        var connection = new NpgsqlConnection(connectionString);
        await using (connection.ConfigureAwait(false))
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            if (ServerInfo.TimescaleVersion is not null)
            {
                using var extension = new NpgsqlCommand("CREATE EXTENSION IF NOT EXISTS timescaledb", connection);
                await extension.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                info = await TimescaleServerInfo.DetectAsync(connection, cancellationToken).ConfigureAwait(false);
            }
        }

        return new TimescaleTestDatabase(name, connectionString, ConnectionString, info, paused);
    }

    /// <summary>
    /// Says what this server is and how it was obtained, for example
    /// <c>PostgreSQL 15.18, TimescaleDB 2.19.3 (apache edition) via local cluster on 127.0.0.1:54321</c>.
    /// </summary>
    /// <returns>One line for logs and test output; it never contains a password.</returns>
    public string Describe()
    {
        // server_version may carry a packager's suffix, such as "15.20 (Debian 15.20-0+deb12u1)".
        var version = ServerInfo.ServerVersion.Split(' ', 2)[0];
        var timescale = ServerInfo.TimescaleVersion is { } v
            ? $"TimescaleDB {v} ({ServerInfo.Edition.ToString().ToLowerInvariant()} edition)"
            : "no TimescaleDB";
        return $"PostgreSQL {version}, {timescale} via {_via}";
    }

    /// <inheritdoc/>
    public override string ToString() => Describe();

    /// <summary>
    /// Stops a local cluster this instance started in immediate mode (<c>pg_ctl stop -m immediate</c>): every
    /// connection is cut at once with no checkpoint, as in a server crash. Commits survive it only when they reached
    /// the write-ahead log: set <see cref="TimescaleTestServerOptions.ServerSettings"/>["synchronous_commit"] to "on"
    /// (the throwaway default is "off", which can lose the last commits). Its files stay; <see cref="StartServerAsync"/>
    /// starts it again, with crash recovery, on the same port. For fault-injection tests.
    /// </summary>
    /// <param name="cancellationToken">Cancels the wait for pg_ctl.</param>
    /// <returns>A task that completes when the server has stopped.</returns>
    /// <exception cref="InvalidOperationException">The server is not a local cluster (<see cref="Kind"/>), or pg_ctl failed.</exception>
    public async Task StopServerAsync(CancellationToken cancellationToken = default)
    {
        await OwnCluster(nameof(StopServerAsync)).StopImmediateAsync(cancellationToken).ConfigureAwait(false);
        ClearAdministrationPool();
    }

    /// <summary>Starts a local cluster stopped by <see cref="StopServerAsync"/> again, on the same port, and waits until it accepts connections.</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the server accepts connections.</returns>
    /// <exception cref="InvalidOperationException">The server is not a local cluster, or it did not start within a minute.</exception>
    public Task StartServerAsync(CancellationToken cancellationToken = default) =>
        OwnCluster(nameof(StartServerAsync)).StartAgainAsync(RestartTimeout, cancellationToken);

    /// <summary>
    /// Restarts a local cluster this instance started in immediate mode (<c>pg_ctl restart -m immediate</c>), on the same
    /// port, and waits until it accepts connections: every open connection is cut, as in a crash and recovery.
    /// </summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the server accepts connections again.</returns>
    /// <exception cref="InvalidOperationException">The server is not a local cluster, or it did not come back within a minute.</exception>
    public async Task RestartServerAsync(CancellationToken cancellationToken = default)
    {
        await OwnCluster(nameof(RestartServerAsync)).RestartImmediateAsync(RestartTimeout, cancellationToken).ConfigureAwait(false);
        ClearAdministrationPool();
    }

    /// <summary>
    /// Adds a streaming standby of this local cluster (<see cref="TimescaleTestStandby"/>): a base backup taken with
    /// <c>pg_basebackup -R</c>, started on its own port, replaying this server's write-ahead log as a hot standby. The
    /// server runs with <c>wal_level = replica</c>, <c>max_wal_senders</c> and <c>hot_standby</c> for this. Databases
    /// created before or after appear on the standby too. Dispose the standby before or with the server.
    /// </summary>
    /// <param name="cancellationToken">Cancels the start; anything half-started is removed.</param>
    /// <returns>The running standby.</returns>
    /// <exception cref="InvalidOperationException">The server is not a local cluster, or the base backup or start failed (the message has the tool's output).</exception>
    public async Task<TimescaleTestStandby> AddStandbyAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
        var cluster = await LocalCluster.StartStandbyAsync(OwnCluster(nameof(AddStandbyAsync)), RestartTimeout, cancellationToken).ConfigureAwait(false);
        return new TimescaleTestStandby(cluster, ConnectionString);
    }

    /// <summary>
    /// A multi-host connection string to <paramref name="database"/>: this server first, then each standby
    /// (<c>Host=127.0.0.1:P1,127.0.0.1:P2;...</c>), as an application lists a primary and its standbys.
    /// </summary>
    /// <param name="database">A database of this server.</param>
    /// <param name="standbys">The standbys, in order.</param>
    /// <returns>The connection string.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="database"/> or <paramref name="standbys"/> is <see langword="null"/>.</exception>
    public string MultiHostConnectionString(TimescaleTestDatabase database, params IEnumerable<TimescaleTestStandby> standbys)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(standbys);
        var builder = new NpgsqlConnectionStringBuilder(database.ConnectionString);
        var hosts = new List<string> { $"{builder.Host}:{builder.Port}" };
        hosts.AddRange(standbys.Select(s => $"127.0.0.1:{s.Port}"));
        builder.Host = string.Join(',', hosts);
        builder.Remove("Port");
        return builder.ConnectionString;
    }

    /// <summary>Drops the pooled connections this instance uses to create and drop databases, which a stop broke.</summary>
    private void ClearAdministrationPool() => NpgsqlConnection.ClearPool(new NpgsqlConnection(ConnectionString));

    private static readonly TimeSpan RestartTimeout = TimeSpan.FromMinutes(1);

    private LocalCluster OwnCluster(string operation) => LocalCluster ?? throw new InvalidOperationException(
        $"{operation} needs a local cluster that this TimescaleTestServer started; this one is {Kind} ({Describe()}), which it cannot stop or start.");

    /// <summary>Stops and deletes a container or local cluster this instance started; an existing server is left alone.</summary>
    /// <returns>A task that completes when the server is stopped and its files are deleted.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        if (_owned is not null)
        {
            NpgsqlConnection.ClearPool(new NpgsqlConnection(ConnectionString));
            await _owned.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static void Validate(TimescaleTestServerOptions options)
    {
        if (options.StartTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException($"TimescaleTestServerOptions.StartTimeout must be positive, not {options.StartTimeout}.", nameof(options));
        }

        if (options.DockerProbeTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException($"TimescaleTestServerOptions.DockerProbeTimeout must be positive, not {options.DockerProbeTimeout}.", nameof(options));
        }

        if (options.UseContainer && string.IsNullOrWhiteSpace(options.ContainerImage))
        {
            throw new ArgumentException("TimescaleTestServerOptions.ContainerImage is empty; name a TimescaleDB image such as " +
                TimescaleTestServerOptions.DefaultContainerImage + ".", nameof(options));
        }

        // Refuses invalid setting names before anything starts.
        _ = ServerSettings.Build(options, preloadTimescaleDb: false, apacheOnly: false);

        if (options.UseLocalCluster && string.IsNullOrWhiteSpace(options.ServerOsUser))
        {
            throw new ArgumentException("TimescaleTestServerOptions.ServerOsUser is empty; name the OS user that runs a local cluster under root, such as postgres.",
                nameof(options));
        }
    }

    private static (string Value, string Origin)? ConfiguredServer(TimescaleTestServerOptions options)
    {
        if (!string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            return (options.ConnectionString, "TimescaleTestServerOptions.ConnectionString");
        }

        if (options.ConnectionStringVariable is { } variable &&
            Environment.GetEnvironmentVariable(variable) is { } value && !string.IsNullOrWhiteSpace(value))
        {
            return (value, variable);
        }

        return null;
    }

    private static async Task<TimescaleTestServer> ConnectExistingAsync(
        string configured, string origin, TimescaleTestServerOptions options, CancellationToken cancellationToken)
    {
        string connectionString;
        try
        {
            connectionString = TradingConnectionString.Normalize(configured);
        }
        catch (ArgumentException ex)
        {
            throw new InvalidOperationException(
                $"{origin} is neither a valid connection string nor a postgresql:// URL: {ex.Message} Fix it, or unset it to let Docker or a local cluster provide a server.", ex);
        }

        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        TimescaleServerInfo info;
        try
        {
            info = await DetectServerInfoAsync(connectionString, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NpgsqlException or SocketException or TimeoutException && !cancellationToken.IsCancellationRequested)
        {
            throw new InvalidOperationException(
                $"{origin} names {TradingConnectionString.Redact(connectionString)}, but connecting to it failed: {ex.Message} " +
                $"Start that server or fix {origin}; unset it to let Docker or a local cluster provide a server.", ex);
        }

        return new TimescaleTestServer(connectionString, TimescaleTestServerKind.ExistingServer, info, $"{origin} ({builder.Host}:{builder.Port})", owned: null, options.BackgroundJobs);
    }

    private static async Task<TimescaleTestServer> StartContainerAsync(TimescaleTestServerOptions options, CancellationToken cancellationToken)
    {
        PostgreSqlContainer container = await ContainerServer.StartAsync(options, cancellationToken).ConfigureAwait(false);
        try
        {
            var connectionString = TradingConnectionString.Normalize(container.GetConnectionString());
            var info = await DetectServerInfoAsync(connectionString, cancellationToken).ConfigureAwait(false);
            var builder = new NpgsqlConnectionStringBuilder(connectionString);
            return new TimescaleTestServer(connectionString, TimescaleTestServerKind.Container, info,
                $"Testcontainers ({options.ContainerImage}) on {builder.Host}:{builder.Port}", container, options.BackgroundJobs);
        }
        catch
        {
            await container.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static async Task<TimescaleTestServer> StartLocalClusterAsync(TimescaleTestServerOptions options, CancellationToken cancellationToken)
    {
        var cluster = await LocalCluster.StartAsync(options, cancellationToken).ConfigureAwait(false);
        try
        {
            var info = await DetectServerInfoAsync(cluster.ConnectionString, cancellationToken).ConfigureAwait(false);
            return new TimescaleTestServer(cluster.ConnectionString, TimescaleTestServerKind.LocalCluster, info,
                $"local cluster on 127.0.0.1:{cluster.Port}", cluster, options.BackgroundJobs);
        }
        catch
        {
            await cluster.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Reads the server's versions and edition. <c>timescaledb.license</c> only exists in a database where the
    /// extension is loaded (unless the server configuration sets it), so when the maintenance database cannot tell,
    /// the edition is read in a scratch database with the extension.
    /// </summary>
    internal static async Task<TimescaleServerInfo> DetectServerInfoAsync(string connectionString, CancellationToken cancellationToken)
    {
        TimescaleServerInfo info;
        bool licenseKnown;
        var connection = new NpgsqlConnection(connectionString);
        await using (connection.ConfigureAwait(false))
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            info = await TimescaleServerInfo.DetectAsync(connection, cancellationToken).ConfigureAwait(false);
            using var license = new NpgsqlCommand("SELECT current_setting('timescaledb.license', true) IS NOT NULL", connection);
            licenseKnown = await license.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is true;
        }

        if (info.TimescaleVersion is null || info.ExtensionInstalled || licenseKnown)
        {
            return info;
        }

        var scratch = TimescaleTestDatabase.MakeName("edition_probe");
        try
        {
            await ExecuteAsync(connectionString, $"CREATE DATABASE \"{scratch}\"", cancellationToken).ConfigureAwait(false);
            var scratchConnection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Database = scratch, Pooling = false }.ConnectionString);
            await using (scratchConnection.ConfigureAwait(false))
            {
                await scratchConnection.OpenAsync(cancellationToken).ConfigureAwait(false);
                using var extension = new NpgsqlCommand("CREATE EXTENSION IF NOT EXISTS timescaledb", scratchConnection);
                await extension.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                var probed = await TimescaleServerInfo.DetectAsync(scratchConnection, cancellationToken).ConfigureAwait(false);
                return info with { TimescaleVersion = probed.TimescaleVersion, Edition = probed.Edition };
            }
        }
        catch (PostgresException)
        {
            // No right to create databases, or the extension cannot be created: keep what the maintenance database says.
            return info;
        }
        finally
        {
            try
            {
                await ExecuteAsync(connectionString, $"DROP DATABASE IF EXISTS \"{scratch}\" WITH (FORCE)", CancellationToken.None).ConfigureAwait(false);
            }
            catch (PostgresException)
            {
                // It was never created.
            }
        }
    }

    internal static async Task ExecuteAsync(string connectionString, string sql, CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(connectionString);
        await using (connection.ConfigureAwait(false))
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static string NoServerMessage(List<string> tried, TimescaleTestServerOptions options)
    {
        var variable = options.ConnectionStringVariable ?? TradingConnectionString.EnvironmentVariable;
        var message = new StringBuilder("No PostgreSQL server with TimescaleDB is available for the tests. Tried, in order:");
        for (var i = 0; i < tried.Count; i++)
        {
            message.AppendLine().Append("  ").Append(i + 1).Append(". ").Append(tried[i]);
        }

        return message.AppendLine()
            .AppendLine("Do one of these:")
            .AppendLine($"  - set {variable} to a PostgreSQL server with TimescaleDB, as a connection string")
            .AppendLine("    (Host=localhost;Port=5432;Username=postgres;Password=...;Database=postgres) or a postgresql://user:password@host:port/db URL;")
            .AppendLine($"  - start a Docker engine: the tests then run {options.ContainerImage} through Testcontainers;")
            .AppendLine("  - install PostgreSQL with the TimescaleDB extension on this machine: in the Trading.Timescale repository run")
            .AppendLine("    scripts/ensure-timescaledb.sh as root on Debian/Ubuntu (./build.sh test does it), or install postgresql-NN and")
            .Append("    timescaledb-2-postgresql-NN; set TimescaleTestServerOptions.PostgresBinDirectory when the binaries are not in a standard place.")
            .ToString();
    }
}
