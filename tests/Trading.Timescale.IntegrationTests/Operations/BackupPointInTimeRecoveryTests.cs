using System.Diagnostics;
using System.Globalization;
using Npgsql;
using Trading.Timescale.Testing;
using Trading.Timescale.Testing.Internal;

namespace Trading.Timescale.IntegrationTests.Operations;

/// <summary>
/// The point-in-time recovery steps of docs/operations.md on a real throwaway cluster: WAL archiving with the spec's
/// settings, a base backup with pg_basebackup, two inserts, then recovery to a time between them.
/// </summary>
public sealed class BackupPointInTimeRecoveryTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);
    private readonly string _root = Path.Combine("/tmp", "tt-pitr-" + Guid.NewGuid().ToString("N")[..12]);
    private LocalCluster? _primary;
    private string? _restoredData;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string Archive => Path.Combine(_root, "wal_archive");

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public async Task Recovery_to_a_time_between_two_inserts_keeps_only_the_first()
    {
        Assert.SkipWhen(PostgresInstallationMissing(), "point-in-time recovery needs the PostgreSQL server binaries (initdb, pg_ctl, pg_basebackup) on this machine");
        Directory.CreateDirectory(_root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        Directory.CreateDirectory(Archive);
        Directory.CreateDirectory(Path.Combine(_root, "logs"));
        await ChownToServerUserAsync(Archive);
        await ChownToServerUserAsync(Path.Combine(_root, "logs"));

        // 1. WAL archiving, as in the spec's postgresql.conf.
        var options = new TimescaleTestServerOptions { ConnectionStringVariable = null, UseContainer = false };
        options.ServerSettings["wal_level"] = "replica";
        options.ServerSettings["archive_mode"] = "on";
        options.ServerSettings["archive_command"] = $"test ! -f {Archive}/%f && cp %p {Archive}/%f";
        options.ServerSettings["full_page_writes"] = "on";
        _primary = await LocalCluster.StartAsync(options, Ct);
        await ExecuteAsync(_primary.ConnectionString, "CREATE TABLE pitr_trades (id int PRIMARY KEY, note text NOT NULL)");

        // 2. A base backup.
        var baseBackup = Path.Combine(_root, "base");
        var builder = new NpgsqlConnectionStringBuilder(_primary.ConnectionString);
        var basebackup = await RunAsync(
            _primary.Installation.Tool("pg_basebackup"),
            ["--pgdata=" + baseBackup, "--wal-method=stream", "--checkpoint=fast", "--host=127.0.0.1", "--port=" + builder.Port, "--username=" + builder.Username, "--no-password"],
            builder.Password!);
        Assert.True(basebackup.ExitCode == 0, basebackup.Output);

        // 3. Two inserts with a recovery target time between them, and the WAL archived.
        await ExecuteAsync(_primary.ConnectionString, "INSERT INTO pitr_trades VALUES (1, 'first')");
        await Task.Delay(1100, Ct);
        var target = await ScalarAsync<string>(_primary.ConnectionString, "SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') || '+00'");
        await Task.Delay(1100, Ct);
        await ExecuteAsync(_primary.ConnectionString, "INSERT INTO pitr_trades VALUES (2, 'second')");
        var segment = await ScalarAsync<string>(_primary.ConnectionString, "SELECT pg_walfile_name(pg_switch_wal())");
        await WaitUntilAsync(() => File.Exists(Path.Combine(Archive, segment)), $"WAL segment {segment} was not archived to {Archive}");

        // 4. Recovery: the base backup, restore_command, recovery_target_time, recovery.signal.
        _restoredData = baseBackup;
        await File.AppendAllLinesAsync(Path.Combine(baseBackup, "postgresql.conf"),
        [
            "archive_mode = 'off'",
            $"restore_command = 'cp {Archive}/%f %p'",
            $"recovery_target_time = '{target}'",
            "recovery_target_action = 'promote'",
        ], Ct);
        await File.WriteAllTextAsync(Path.Combine(baseBackup, "recovery.signal"), string.Empty, Ct);
        await ChownToServerUserAsync(baseBackup);
        File.SetUnixFileMode(baseBackup, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var port = FreePort();
        var start = await OsCommand.ForServer(options.ServerOsUser).RunAsync(
            _primary.Installation.Tool("pg_ctl"),
            ["start", "-D", baseBackup, "-l", Path.Combine(_root, "logs", "recovery.log"), "-w", "-t", "90", "-s", "-o", "-p " + port.ToString(CultureInfo.InvariantCulture)],
            _root, Timeout, Ct);
        Assert.True(start.Succeeded, start.Output + ReadLog());

        var restored = new NpgsqlConnectionStringBuilder(_primary.ConnectionString) { Port = port, Pooling = false }.ConnectionString;
        await WaitUntilAsync(async () => !await ScalarAsync<bool>(restored, "SELECT pg_is_in_recovery()"), "the restored cluster did not finish recovery" + ReadLog());
        Assert.Equal("1:first", await ScalarAsync<string>(restored, "SELECT string_agg(id || ':' || note, ',' ORDER BY id) FROM pitr_trades"));
        Assert.Equal("1:first,2:second", await ScalarAsync<string>(_primary.ConnectionString, "SELECT string_agg(id || ':' || note, ',' ORDER BY id) FROM pitr_trades"));
        Assert.Contains("recovery stopping before commit", ReadLog(), StringComparison.Ordinal);
    }

    public async ValueTask DisposeAsync()
    {
        if (_restoredData is not null && _primary is not null && File.Exists(Path.Combine(_restoredData, "postmaster.pid")))
        {
            await OsCommand.ForServer("postgres").RunAsync(_primary.Installation.Tool("pg_ctl"), ["stop", "-D", _restoredData, "-m", "immediate", "-w"], _root, Timeout, CancellationToken.None);
        }

        if (_primary is not null)
        {
            await _primary.DisposeAsync();
        }

        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private static bool PostgresInstallationMissing()
    {
        try
        {
            var installation = PostgresInstallation.Find(null);
            return !File.Exists(installation.Tool("pg_basebackup"));
        }
        catch (InvalidOperationException)
        {
            return true;
        }
    }

    private string ReadLog()
    {
        var log = Path.Combine(_root, "logs", "recovery.log");
        return File.Exists(log) ? Environment.NewLine + File.ReadAllText(log) : string.Empty;
    }

    private static async Task ChownToServerUserAsync(string path)
    {
        if (OsCommand.IsRoot)
        {
            var chown = await OsCommand.Direct.RunAsync("chown", ["-R", "postgres:", path], null, Timeout, Ct);
            Assert.True(chown.Succeeded, chown.Output);
        }
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string tool, string[] arguments, string password)
    {
        var start = new ProcessStartInfo(tool) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["PGPASSWORD"] = password;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(Ct);
        var error = process.StandardError.ReadToEndAsync(Ct);
        await process.WaitForExitAsync(Ct);
        return (process.ExitCode, await output + await error);
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string failure) => await WaitUntilAsync(() => Task.FromResult(condition()), failure);

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string failure)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < Timeout)
        {
            try
            {
                if (await condition())
                {
                    return;
                }
            }
            catch (NpgsqlException)
            {
                // Still starting.
            }

            await Task.Delay(200, Ct);
        }

        Assert.Fail(failure);
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(Ct);
    }

    private static async Task<T> ScalarAsync<T>(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync(Ct))!;
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
