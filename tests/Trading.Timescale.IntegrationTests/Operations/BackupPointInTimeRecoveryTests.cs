using System.Diagnostics;
using System.Globalization;
using Trading.Timescale.IntegrationTests.Infrastructure;
using Trading.Timescale.Testing.Internal;

namespace Trading.Timescale.IntegrationTests.Operations;

/// <summary>
/// The point-in-time recovery section of docs/operations.md, run as written on a Debian cluster this test creates with
/// pg_createcluster (configuration in /etc/postgresql/15/NAME, started with pg_ctlcluster): WAL archiving through
/// conf.d, a base backup, a hypertable row before the target time and one after it, recovery to the target time, and
/// the steps after checking. The test sets only the page's site values: cluster name, directories, target time and
/// base backup. This machine has no sudo and runs as root, so <c>sudo</c> is a shell function that runs the command
/// directly (or as <c>-u USER</c> through runuser).
/// </summary>
public sealed class BackupPointInTimeRecoveryTests : IAsyncLifetime
{
    private const string Version = "15";
    private const string Page = "docs/operations.md";
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    private const string Prelude = """
        sudo() {
          if [ "$1" = "-u" ]; then local user="$2"; shift 2; runuser -u "$user" -- "$@"; else "$@"; fi
        }
        """;

    private readonly string _id = Guid.NewGuid().ToString("N")[..10];
    private readonly string _root;
    private readonly int _port = FreePort();
    private bool _created;

    public BackupPointInTimeRecoveryTests() => _root = Path.Combine("/tmp", "tt-pitr-" + _id);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string Cluster => "ttpitr" + _id;

    private string Log => $"/var/log/postgresql/postgresql-{Version}-{Cluster}.log";

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    [Fact]
    public async Task The_documented_debian_recovery_keeps_the_row_before_the_target_time_only()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux() && OsCommand.IsRoot, "the recipe creates a Debian cluster with pg_createcluster, which needs root");
        Assert.SkipWhen(new[] { "pg_createcluster", "pg_ctlcluster", "pg_conftool", "pg_dropcluster" }.Any(t => OsCommand.FindOnPath(t) is null),
            "the recipe is for Debian's postgresql-common (pg_createcluster, pg_ctlcluster, pg_conftool)");
        Assert.SkipUnless(File.Exists($"/usr/lib/postgresql/{Version}/bin/pg_basebackup"), $"PostgreSQL {Version} server binaries are not installed");
        var recipe = DocumentedRecipe.FromSection(Page, "## Point-in-time recovery");
        Assert.Equal(5, recipe.Blocks.Count);
        Directory.CreateDirectory(_root);
        var settings = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["VERSION"] = Version,
            ["CLUSTER"] = Cluster,
            ["WAL_ARCHIVE"] = Path.Combine(_root, "wal_archive"),
            ["BASE_BACKUPS"] = Path.Combine(_root, "base"),
        };
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["PGHOST"] = "/var/run/postgresql",
            ["PGPORT"] = _port.ToString(CultureInfo.InvariantCulture),
        };
        var siteBlock = recipe.Block(0, settings, "VERSION", "CLUSTER", "CONF_DIR", "WAL_ARCHIVE", "BASE_BACKUPS");
        TestContext.Current.SendDiagnosticMessage($"PITR recipe settings: {string.Join(", ", settings.Select(s => $"{s.Key}={s.Value}"))}, PGPORT={_port}");

        // A Debian cluster with TimescaleDB preloaded, as a server running the trading schema has it.
        _created = true;
        await ShellAsync($"pg_createcluster {Version} {Cluster} -d {DocumentedRecipe.Quote(Path.Combine(_root, "data"))} -p {_port} --start-conf manual >/dev/null", environment);
        Assert.False(File.Exists(Path.Combine(_root, "data", "postgresql.conf")), "a Debian cluster keeps postgresql.conf outside the data directory");
        await ShellAsync($"""
            printf "shared_preload_libraries = 'timescaledb'\ntimescaledb.telemetry_level = off\n" > /etc/postgresql/{Version}/{Cluster}/conf.d/timescaledb.conf
            pg_ctlcluster {Version} {Cluster} start
            """, environment);

        // 1. Archive WAL; 2. a base backup.
        await ShellAsync(siteBlock + "\n" + recipe.Block(1), environment);
        Assert.Equal("replica|on", await SqlAsync("SELECT current_setting('wal_level') || '|' || current_setting('archive_mode')", environment));
        await SqlAsync("""
            CREATE EXTENSION IF NOT EXISTS timescaledb;
            CREATE TABLE pitr_trades (at timestamptz NOT NULL, id int NOT NULL, note text NOT NULL);
            SELECT create_hypertable('pitr_trades', 'at');
            """, environment);
        var baseName = DateTime.Now.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        await ShellAsync(siteBlock + "\n" + recipe.Block(2), environment);
        Assert.True(Directory.Exists(Path.Combine(_root, "base", baseName)), $"step 2 wrote no base backup {baseName} under {_root}/base");

        // A row before the target time, one after it, and the WAL archived.
        await SqlAsync("INSERT INTO pitr_trades VALUES (now(), 1, 'first')", environment);
        await Task.Delay(1100, Ct);
        var target = await SqlAsync("SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') || '+00'", environment);
        await Task.Delay(1100, Ct);
        await SqlAsync("INSERT INTO pitr_trades VALUES (now(), 2, 'second')", environment);
        var segment = await SqlAsync("SELECT pg_walfile_name(pg_switch_wal())", environment);
        await WaitUntilAsync(() => Task.FromResult(File.Exists(Path.Combine(_root, "wal_archive", segment))), $"WAL segment {segment} was not archived");

        // 3. Recover to the target time.
        settings["TARGET_TIME"] = target;
        settings["BASE"] = Path.Combine(_root, "base", baseName);
        await ShellAsync(siteBlock + "\n" + recipe.Block(3, settings, "TARGET_TIME", "BASE"), environment);
        await WaitUntilAsync(async () => await SqlAsync("SELECT NOT pg_is_in_recovery()", environment, check: false) == "t", "the cluster did not finish recovery");
        Assert.Equal("1:first", await SqlAsync("SELECT string_agg(id || ':' || note, ',' ORDER BY id) FROM pitr_trades", environment));
        Assert.Contains("recovery stopping before commit", await File.ReadAllTextAsync(Log, Ct), StringComparison.Ordinal);
        Assert.True(Directory.Exists(Path.Combine(_root, "data.broken")), "step 3 keeps the old data directory as data.broken");

        // 4. After checking: archiving again, a new base backup, and writes accepted.
        await ShellAsync(siteBlock + "\n" + recipe.Block(4), environment);
        Assert.False(File.Exists($"/etc/postgresql/{Version}/{Cluster}/conf.d/recovery.conf"), "step 4 removes recovery.conf");
        Assert.True(Directory.Exists(Path.Combine(_root, "base", baseName + "-recovered")), "step 4 takes a new base backup");
        await SqlAsync("INSERT INTO pitr_trades VALUES (now(), 3, 'after recovery')", environment);
        Assert.Equal("1:first,3:after recovery", await SqlAsync("SELECT string_agg(id || ':' || note, ',' ORDER BY id) FROM pitr_trades", environment));
        Assert.Equal("on", await SqlAsync("SELECT current_setting('archive_mode')", environment));
    }

    public async ValueTask DisposeAsync()
    {
        // pg_dropcluster leaves the configuration directory when conf.d holds files it did not write.
        if (_created)
        {
            await DocumentedRecipe.RunAsync(string.Empty, $"""
                pg_dropcluster --stop {Version} {Cluster} || true
                rm -rf /etc/postgresql/{Version}/{Cluster} /var/run/postgresql/{Version}-{Cluster}.pg_stat_tmp {DocumentedRecipe.Quote(Log)}
                """, "/tmp",
                new Dictionary<string, string>(), Timeout, CancellationToken.None);
        }

        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private async Task ShellAsync(string script, IReadOnlyDictionary<string, string> environment)
    {
        var (exitCode, output) = await DocumentedRecipe.RunAsync(Prelude, script, _root, environment, Timeout, Ct);
        Assert.True(exitCode == 0, $"exit code {exitCode} from:\n{script}\n--- output:\n{output}{ServerLog()}");
    }

    private async Task<string> SqlAsync(string sql, IReadOnlyDictionary<string, string> environment, bool check = true)
    {
        var script = $"runuser -u postgres -- psql -X -q -At -v ON_ERROR_STOP=1 -d postgres <<'SQL'\n{sql}\nSQL";
        var (exitCode, output) = await DocumentedRecipe.RunAsync(string.Empty, script, _root, environment, Timeout, Ct);
        if (check)
        {
            Assert.True(exitCode == 0, $"psql exit code {exitCode}:\n{sql}\n{output}{ServerLog()}");
        }

        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return exitCode == 0 && lines.Length > 0 ? lines[^1] : string.Empty;
    }

    private string ServerLog() => File.Exists(Log) ? "\n--- server log:\n" + string.Join('\n', File.ReadLines(Log).TakeLast(30)) : string.Empty;

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string failure)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < Timeout)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(250, Ct);
        }

        Assert.Fail(failure);
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
