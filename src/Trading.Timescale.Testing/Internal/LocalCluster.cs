using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Npgsql;

namespace Trading.Timescale.Testing.Internal;

/// <summary>
/// A throwaway PostgreSQL cluster in its own directory under a cluster root: <c>owner</c> (the marker),
/// <c>data/</c>, <c>run/</c> (the Unix socket) and <c>server.log</c>. Disposing it stops it and deletes the directory.
/// </summary>
internal sealed class LocalCluster : IAsyncDisposable
{
    public const string SuperUser = "postgres";
    private const int PortAttempts = 3;
    private const UnixFileMode OwnerOnly = ClusterRoot.OwnerOnly;

    private readonly OsCommand _command;
    private readonly string _password;
    private int _stopped;
    private Process? _watchdog;

    private LocalCluster(string clusterDirectory, PostgresInstallation installation, OsCommand command, string? password = null)
    {
        _password = password ?? RandomNumberGenerator.GetHexString(32, lowercase: true);
        ClusterDirectory = clusterDirectory;
        Installation = installation;
        _command = command;
    }

    public string ClusterDirectory { get; }

    public string DataDirectory => Path.Combine(ClusterDirectory, "data");

    public string SocketDirectory => Path.Combine(ClusterDirectory, "run");

    public string LogFile => Path.Combine(ClusterDirectory, "server.log");

    public PostgresInstallation Installation { get; }

    public int Port { get; private set; }

    public string ConnectionString => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = SuperUser,
        Password = _password,
        Database = "postgres",
    }.ConnectionString;

    /// <summary>The cluster root used when none is configured: <c>trading-timescale-UID</c> in the temp directory.</summary>
    public static string DefaultRoot() => ClusterRoot.DefaultPath();

    /// <summary>Reaps clusters of dead processes under the root, then creates, initializes and starts a new cluster.</summary>
    public static async Task<LocalCluster> StartAsync(TimescaleTestServerOptions options, CancellationToken cancellationToken)
    {
        var installation = PostgresInstallation.Find(options.PostgresBinDirectory);
        var command = OsCommand.ForServer(options.ServerOsUser);
        if (command.RunAsUser is not null)
        {
            await EnsureOsUserExistsAsync(command.RunAsUser, cancellationToken).ConfigureAwait(false);
        }

        var root = PrepareRoot(options.ClusterRoot, command);
        await Task.Run(() => StaleClusterReaper.Reap(root, command, installation), cancellationToken).ConfigureAwait(false);

        var cluster = new LocalCluster(CreateClusterDirectory(root), installation, command);
        ClusterRegistry.Add(cluster);
        try
        {
            ClusterMarker.ForCurrentProcess(installation.BinDirectory).Write(cluster.ClusterDirectory);
            cluster._watchdog = ClusterWatchdog.Start(cluster.ClusterDirectory, installation, command);
            await cluster.InitializeAsync(options, cancellationToken).ConfigureAwait(false);
            await cluster.LaunchAsync(options.StartTimeout, cancellationToken).ConfigureAwait(false);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Creates a streaming standby of <paramref name="primary"/> in a new cluster directory beside it: a base backup
    /// taken with <c>pg_basebackup -R -X stream</c> (which writes <c>standby.signal</c> and <c>primary_conninfo</c>),
    /// its own socket directory and port, then started. The replication connection reads the password from a
    /// password file in the standby's directory, so no password appears in process arguments or configuration.
    /// </summary>
    public static async Task<LocalCluster> StartStandbyAsync(LocalCluster primary, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var root = Path.GetDirectoryName(primary.ClusterDirectory)!;
        var standby = new LocalCluster(CreateClusterDirectory(root), primary.Installation, primary._command, primary._password);
        ClusterRegistry.Add(standby);
        try
        {
            ClusterMarker.ForCurrentProcess(primary.Installation.BinDirectory).Write(standby.ClusterDirectory);
            standby._watchdog = ClusterWatchdog.Start(standby.ClusterDirectory, standby.Installation, standby._command);
            await standby.CloneAsync(primary, timeout, cancellationToken).ConfigureAwait(false);
            await standby.LaunchAsync(timeout, cancellationToken).ConfigureAwait(false);
            return standby;
        }
        catch
        {
            await standby.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Stops the server (fast, then immediate) and deletes the cluster directory.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }

        ClusterRegistry.Remove(this);
        await Task.Run(() =>
        {
            Teardown(ClusterDirectory, Installation, usePgCtl: true, _command, fast: true);
            ClusterWatchdog.Stop(_watchdog);
        }).ConfigureAwait(false);
    }

    /// <summary>Stops the server at once and deletes the directory; for process exit.</summary>
    public void StopNow()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 0)
        {
            Teardown(ClusterDirectory, Installation, usePgCtl: true, _command, fast: false);
            ClusterWatchdog.Stop(_watchdog);
        }
    }

    /// <summary>
    /// Stops the server of <paramref name="clusterDirectory"/> and deletes the directory; never throws. Only a process
    /// proven to be the postmaster of that data directory (<see cref="PostmasterProcess"/>) is stopped: with this
    /// installation's <c>pg_ctl</c> when <paramref name="usePgCtl"/> (a fast shutdown first when <paramref name="fast"/>,
    /// then an immediate one), then killed if it still runs. A <c>postmaster.pid</c> naming any other live process
    /// leaves the process and the directory alone.
    /// </summary>
    public static void Teardown(string clusterDirectory, PostgresInstallation installation, bool usePgCtl, OsCommand command, bool fast)
    {
        var dataDirectory = Path.Combine(clusterDirectory, "data");
        if (File.Exists(Path.Combine(dataDirectory, "postmaster.pid")))
        {
            var canVerify = Directory.Exists("/proc/self");
            var postmaster = canVerify ? PostmasterProcess.FindVerified(dataDirectory, installation) : null;
            if (canVerify && postmaster is null && PostmasterProcess.FindLive(dataDirectory) is not null)
            {
                return;
            }

            if (usePgCtl && (postmaster is not null || !canVerify))
            {
                var pgCtl = installation.Tool("pg_ctl");
                var stopped = fast &&
                    command.RunNow(pgCtl, ["stop", "-D", dataDirectory, "-m", "fast", "-w", "-t", "30", "-s"], clusterDirectory, TimeSpan.FromSeconds(40)).Succeeded;
                if (!stopped)
                {
                    command.RunNow(pgCtl, ["stop", "-D", dataDirectory, "-m", "immediate", "-w", "-t", "15", "-s"], clusterDirectory, TimeSpan.FromSeconds(25));
                }
            }

            if (postmaster is not null)
            {
                PostmasterProcess.KillIfPostmasterOf(postmaster.Value, dataDirectory, installation);
            }
        }

        DeleteDirectory(clusterDirectory);
    }

    /// <summary>
    /// Stops the server in immediate mode (<c>pg_ctl stop -m immediate</c>): every backend ends at once, with no
    /// checkpoint, as in a crash; the next start runs crash recovery. The directory stays.
    /// </summary>
    public async Task StopImmediateAsync(CancellationToken cancellationToken)
    {
        var stop = await _command.RunAsync(
            Installation.Tool("pg_ctl"), ["stop", "-D", DataDirectory, "-m", "immediate", "-w", "-t", "60", "-s"],
            ClusterDirectory, TimeSpan.FromSeconds(75), cancellationToken).ConfigureAwait(false);
        if (!stop.Succeeded)
        {
            throw new InvalidOperationException(
                $"pg_ctl stop -m immediate of {DataDirectory} failed (exit code {stop.ExitCode}: {stop.Output}). Last lines of {LogFile}:{Environment.NewLine}{ReadLogTail()}");
        }
    }

    /// <summary>Starts the stopped server again on the same port and waits until it accepts connections.</summary>
    public async Task StartAgainAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var seconds = Math.Max(5, (int)timeout.TotalSeconds);
        var start = await _command.RunAsync(
            Installation.Tool("pg_ctl"),
            ["start", "-D", DataDirectory, "-l", LogFile, "-w", "-t", seconds.ToString(CultureInfo.InvariantCulture), "-s",
             "-o", "-p " + Port.ToString(CultureInfo.InvariantCulture)],
            ClusterDirectory, TimeSpan.FromSeconds(seconds + 15), cancellationToken).ConfigureAwait(false);
        if (!start.Succeeded)
        {
            throw new InvalidOperationException(
                $"the local PostgreSQL cluster in {DataDirectory} did not start again on 127.0.0.1:{Port} within {seconds} s " +
                $"(pg_ctl exit code {start.ExitCode}: {start.Output}). Last lines of {LogFile}:{Environment.NewLine}{ReadLogTail()}");
        }

        await WaitUntilAcceptingAsync(timeout, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Restarts the server in immediate mode (<c>pg_ctl restart -m immediate</c>) on the same port and waits until it
    /// accepts connections again.
    /// </summary>
    public async Task RestartImmediateAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var seconds = Math.Max(5, (int)timeout.TotalSeconds);
        var restart = await _command.RunAsync(
            Installation.Tool("pg_ctl"),
            ["restart", "-D", DataDirectory, "-m", "immediate", "-l", LogFile, "-w", "-t", seconds.ToString(CultureInfo.InvariantCulture), "-s",
             "-o", "-p " + Port.ToString(CultureInfo.InvariantCulture)],
            ClusterDirectory, TimeSpan.FromSeconds(seconds + 15), cancellationToken).ConfigureAwait(false);
        if (!restart.Succeeded)
        {
            throw new InvalidOperationException(
                $"pg_ctl restart -m immediate of {DataDirectory} failed (exit code {restart.ExitCode}: {restart.Output}). Last lines of {LogFile}:{Environment.NewLine}{ReadLogTail()}");
        }

        await WaitUntilAcceptingAsync(timeout, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The last lines of the server log, for error messages.</summary>
    public string ReadLogTail(int lines = 25)
    {
        try
        {
            using var stream = new FileStream(LogFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream);
            var all = reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
            return string.Join(Environment.NewLine, all.TakeLast(lines));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return $"(no server log at {LogFile}: {ex.Message})";
        }
    }

    internal static int? ReadPostmasterPid(string dataDirectory)
    {
        try
        {
            var first = File.ReadLines(Path.Combine(dataDirectory, "postmaster.pid")).FirstOrDefault();
            return int.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string PrepareRoot(string? configured, OsCommand command)
    {
        var root = Path.GetFullPath(configured ?? DefaultRoot());
        if (!OperatingSystem.IsWindows() && Path.Combine(root, "0123456789ab", "run", ".s.PGSQL.65535").Length > 100)
        {
            throw new InvalidOperationException(
                $"the cluster root {root} is too long for a Unix socket path; set TimescaleTestServerOptions.ClusterRoot to a short directory such as /tmp/tt.");
        }

        return ClusterRoot.Prepare(root, command);
    }

    private static string CreateClusterDirectory(string root)
    {
        var directory = Path.Combine(root, RandomNumberGenerator.GetHexString(12, lowercase: true));
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
        }
        else
        {
            Directory.CreateDirectory(directory, OwnerOnly);
        }

        return directory;
    }

    private static async Task EnsureOsUserExistsAsync(string user, CancellationToken cancellationToken)
    {
        var id = await OsCommand.Direct.RunAsync("id", ["-u", user], null, TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false);
        if (!id.Succeeded)
        {
            throw new InvalidOperationException(
                $"this process runs as root, and initdb/pg_ctl refuse root, but the OS user '{user}' that would run the cluster does not exist; " +
                "create it (useradd --system postgres) or set TimescaleTestServerOptions.ServerOsUser.");
        }
    }

    private async Task InitializeAsync(TimescaleTestServerOptions options, CancellationToken cancellationToken)
    {
        var passwordFile = Path.Combine(ClusterDirectory, "pwfile");
        var fileOptions = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            Directory.CreateDirectory(SocketDirectory, OwnerOnly);
        }

        try
        {
            using (var writer = new StreamWriter(passwordFile, fileOptions))
            {
                await writer.WriteLineAsync(_password.AsMemory(), cancellationToken).ConfigureAwait(false);
            }

            if (_command.RunAsUser is not null)
            {
                var chown = await OsCommand.Direct.RunAsync("chown", ["-R", _command.RunAsUser + ":", ClusterDirectory], null, TimeSpan.FromSeconds(30), cancellationToken)
                    .ConfigureAwait(false);
                if (!chown.Succeeded)
                {
                    throw new InvalidOperationException($"chown of {ClusterDirectory} to {_command.RunAsUser} failed: {chown.Output}");
                }
            }

            var initdb = await _command.RunAsync(
                Installation.Tool("initdb"),
                ["-D", DataDirectory, "-U", SuperUser, "--pwfile=" + passwordFile, "--auth-local=scram-sha-256", "--auth-host=scram-sha-256",
                 "-E", "UTF8", "--no-locale", "--no-sync"],
                ClusterDirectory,
                options.StartTimeout,
                cancellationToken).ConfigureAwait(false);
            if (!initdb.Succeeded)
            {
                throw new InvalidOperationException(
                    $"initdb ({Installation.BinDirectory}) failed with exit code {initdb.ExitCode} in {DataDirectory}:{Environment.NewLine}{Tail(initdb.Output)}");
            }
        }
        finally
        {
            File.Delete(passwordFile);
        }

        var lines = new List<string> { string.Empty, "# Trading.Timescale.Testing: a throwaway test cluster", "listen_addresses = '127.0.0.1'" };
        if (!OperatingSystem.IsWindows())
        {
            lines.Add($"unix_socket_directories = '{SocketDirectory}'");
        }

        var apacheOnly = Installation.HasTimescaleDb && !Installation.HasTimescaleTslModule;
        lines.AddRange(ServerSettings.Build(options, Installation.HasTimescaleDb, apacheOnly).Select(ServerSettings.ToConfigLine));
        await File.AppendAllLinesAsync(Path.Combine(DataDirectory, "postgresql.conf"), lines, cancellationToken).ConfigureAwait(false);
    }

    private async Task CloneAsync(LocalCluster primary, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var passwordFile = Path.Combine(ClusterDirectory, "pgpass");
        var fileOptions = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            Directory.CreateDirectory(SocketDirectory, OwnerOnly);
        }

        using (var writer = new StreamWriter(passwordFile, fileOptions))
        {
            await writer.WriteLineAsync($"127.0.0.1:{primary.Port.ToString(CultureInfo.InvariantCulture)}:*:{SuperUser}:{_password}".AsMemory(), cancellationToken)
                .ConfigureAwait(false);
        }

        if (_command.RunAsUser is not null)
        {
            var chown = await OsCommand.Direct.RunAsync("chown", ["-R", _command.RunAsUser + ":", ClusterDirectory], null, TimeSpan.FromSeconds(30), cancellationToken)
                .ConfigureAwait(false);
            if (!chown.Succeeded)
            {
                throw new InvalidOperationException($"chown of {ClusterDirectory} to {_command.RunAsUser} failed: {chown.Output}");
            }
        }

        var conninfo = $"host=127.0.0.1 port={primary.Port.ToString(CultureInfo.InvariantCulture)} user={SuperUser} passfile={passwordFile} application_name=standby_{Path.GetFileName(ClusterDirectory)}";
        var backup = await _command.RunAsync(
            Installation.Tool("pg_basebackup"),
            ["-D", DataDirectory, "-R", "-X", "stream", "-c", "fast", "--no-sync", "-d", conninfo],
            ClusterDirectory,
            timeout,
            cancellationToken).ConfigureAwait(false);
        if (!backup.Succeeded)
        {
            throw new InvalidOperationException(
                $"pg_basebackup of the primary on 127.0.0.1:{primary.Port} into {DataDirectory} failed with exit code {backup.ExitCode}:{Environment.NewLine}{Tail(backup.Output)}");
        }

        var lines = new List<string> { string.Empty, "# Trading.Timescale.Testing: a streaming standby of a throwaway test cluster", "hot_standby = 'on'" };
        if (!OperatingSystem.IsWindows())
        {
            lines.Add($"unix_socket_directories = '{SocketDirectory}'");
        }

        await File.AppendAllLinesAsync(Path.Combine(DataDirectory, "postgresql.conf"), lines, cancellationToken).ConfigureAwait(false);
    }

    private async Task LaunchAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        for (var attempt = 1; ; attempt++)
        {
            Port = FreeLoopbackPort();
            var seconds = Math.Max(5, (int)(timeout - clock.Elapsed).TotalSeconds);
            var start = await _command.RunAsync(
                Installation.Tool("pg_ctl"),
                ["start", "-D", DataDirectory, "-l", LogFile, "-w", "-t", seconds.ToString(CultureInfo.InvariantCulture), "-s",
                 "-o", "-p " + Port.ToString(CultureInfo.InvariantCulture)],
                ClusterDirectory,
                TimeSpan.FromSeconds(seconds + 15),
                cancellationToken).ConfigureAwait(false);
            if (start.Succeeded)
            {
                break;
            }

            var log = ReadLogTail();
            if (attempt < PortAttempts && log.Contains("could not bind", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            throw new InvalidOperationException(
                $"the local PostgreSQL {Installation.MajorVersion} cluster in {DataDirectory} did not start on 127.0.0.1:{Port} " +
                $"within {seconds} s (pg_ctl exit code {start.ExitCode}: {start.Output}). Last lines of {LogFile}:{Environment.NewLine}{log}");
        }

        await WaitUntilAcceptingAsync(timeout - clock.Elapsed, cancellationToken).ConfigureAwait(false);
    }

    private async Task WaitUntilAcceptingAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var connectionString = new NpgsqlConnectionStringBuilder(ConnectionString) { Timeout = 5, Pooling = false }.ConnectionString;
        Exception? last = null;
        while (clock.Elapsed < timeout || clock.Elapsed < TimeSpan.FromSeconds(5))
        {
            try
            {
                var connection = new NpgsqlConnection(connectionString);
                await using (connection.ConfigureAwait(false))
                {
                    await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
                    return;
                }
            }
            catch (Exception ex) when (ex is NpgsqlException or SocketException or TimeoutException)
            {
                last = ex;
                await Task.Delay(100, cancellationToken).ConfigureAwait(false);
            }
        }

        throw new InvalidOperationException(
            $"the local PostgreSQL cluster in {DataDirectory} did not accept connections on 127.0.0.1:{Port} within " +
            $"{timeout.TotalSeconds:0} s ({last?.Message}). Last lines of {LogFile}:{Environment.NewLine}{ReadLogTail()}",
            last);
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void DeleteDirectory(string directory)
    {
        for (var attempt = 1; attempt <= 5 && Directory.Exists(directory); attempt++)
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (DirectoryNotFoundException)
            {
                return;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                Thread.Sleep(200 * attempt);
            }
        }
    }

    private static string Tail(string output, int lines = 25) =>
        string.Join(Environment.NewLine, output.Split('\n').TakeLast(lines));
}
