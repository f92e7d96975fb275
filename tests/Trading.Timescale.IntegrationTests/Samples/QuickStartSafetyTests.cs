using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;
using Trading.Timescale.IntegrationTests.Infrastructure;

namespace Trading.Timescale.IntegrationTests.Samples;

/// <summary>
/// Runs samples/QuickStart (what <c>./build.sh demo</c> runs) as its own process next to a database that holds data:
/// whatever the environment names, the demo writes only into a throwaway server of its own, and a database named on
/// its command line is refused unless it is empty or the demo's.
/// </summary>
public sealed partial class QuickStartSafetyTests(TimescaleServerFixture server) : DatabaseTest(server), IDisposable
{
    private static readonly string[] ConnectionVariables =
        [TradingConnectionString.EnvironmentVariable, "DATABASE_URL", "DB_HOST", "DB_PORT", "DB_NAME", "DB_USER", "DB_PASSWORD"];

    private readonly string _directory = Directory.CreateTempSubdirectory("quickstart-test-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>The class's database holds real data: the trading schema with rows, and a table of the user's own.</summary>
    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        await Database.InstallSchemaAsync(cancellationToken: Ct);
        await using var command = DataSource.CreateCommand("""
            INSERT INTO trading.stock_prices (symbol, timestamp, open_price, high_price, low_price, close_price, volume)
            VALUES ('ZZZZ', '2026-05-04 13:30+00', 10, 11, 9, 10.5, 100), ('ZZZZ', '2026-05-04 13:31+00', 10.5, 11, 10, 10.75, 200);
            INSERT INTO trading.signals (symbol, timestamp, signal_type, confidence, model_version)
            VALUES ('ZZZZ', '2026-05-04 13:32+00', 'BUY', 0.9, 'production-v1');
            CREATE TABLE public.customer_notes (id int PRIMARY KEY, note text NOT NULL);
            INSERT INTO public.customer_notes VALUES (1, 'keep me'), (2, 'me too');
            """);
        await command.ExecuteNonQueryAsync(Ct);
    }

    [Theory]
    [InlineData("TRADING_TIMESCALE_CONNECTION")]
    [InlineData("DATABASE_URL")]
    [InlineData("DB_*")]
    public async Task With_the_environment_naming_a_database_the_demo_runs_on_a_throwaway_server_and_the_database_is_unchanged(string variable)
    {
        RequireLocalServer();
        var builder = new NpgsqlConnectionStringBuilder(Database.ConnectionString);
        var environment = variable switch
        {
            "DATABASE_URL" => new Dictionary<string, string> { ["DATABASE_URL"] = Url(builder, withPassword: true) },
            "DB_*" => new Dictionary<string, string>
            {
                ["DB_HOST"] = builder.Host!, ["DB_PORT"] = builder.Port.ToString(CultureInfo.InvariantCulture), ["DB_NAME"] = builder.Database!,
                ["DB_USER"] = builder.Username!, ["DB_PASSWORD"] = builder.Password!,
            },
            _ => new Dictionary<string, string> { [TradingConnectionString.EnvironmentVariable] = Database.ConnectionString },
        };
        var before = await SnapshotAsync(Database.ConnectionString);

        var run = await RunDemoAsync(["--symbols", "8"], environment);

        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Contains($"Ignoring {string.Join(", ", environment.Keys)}: the demo writes only into a throwaway server it starts", run.Output, StringComparison.Ordinal);
        Assert.Matches(@"Connected to a throwaway (local cluster|Docker container)", run.Output);
        Assert.DoesNotContain(builder.Password!, run.Output, StringComparison.Ordinal);
        Assert.Equal(before, await SnapshotAsync(Database.ConnectionString));
    }

    [Fact]
    public async Task Database_url_to_a_database_with_real_data_is_refused_naming_it_without_the_password()
    {
        var builder = new NpgsqlConnectionStringBuilder(Database.ConnectionString);
        // The URL carries no password, as the demo's usage recommends: PGPASSFILE supplies it.
        var passfile = Path.Combine(_directory, "pgpass");
        await File.WriteAllTextAsync(passfile, $"{builder.Host}:{builder.Port}:*:{builder.Username}:{builder.Password}\n", Ct);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(passfile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        var before = await SnapshotAsync(Database.ConnectionString);

        var run = await RunDemoAsync(["--database-url", Url(builder, withPassword: false)], new Dictionary<string, string> { ["PGPASSFILE"] = passfile });

        Assert.True(run.ExitCode == 1, run.Output);
        Assert.Contains(
            $"quickstart: refusing to write into {builder.Host}:{builder.Port}/{builder.Database} as {builder.Username}: it holds data the demo did not create " +
            "(schema public: 1 table or view, schema trading: ", run.Output, StringComparison.Ordinal);
        Assert.Matches(@"; rows in public\.customer_notes, (trading\.\w+, )*trading\.signals, (trading\.\w+, )*trading\.stock_prices\)\. ", run.Output);
        Assert.DoesNotContain(builder.Password!, run.Output, StringComparison.Ordinal);
        Assert.Equal(before, await SnapshotAsync(Database.ConnectionString));
    }

    [Fact]
    public async Task A_database_with_only_a_table_of_your_own_is_refused_and_one_with_a_foreign_comment_too()
    {
        await using var own = await ServerFixture.Server.CreateDatabaseAsync("quickstart_own", Ct);
        await ExecuteAsync(own.ConnectionString, "CREATE SCHEMA crm; CREATE TABLE crm.accounts (id int); INSERT INTO crm.accounts VALUES (7)");
        await using var commented = await ServerFixture.Server.CreateDatabaseAsync("quickstart_commented", Ct);
        await ExecuteAsync(commented.ConnectionString, $"COMMENT ON DATABASE \"{commented.Name}\" IS 'reporting replica, do not touch'");
        var ownBefore = await SnapshotAsync(own.ConnectionString);
        var commentedBefore = await SnapshotAsync(commented.ConnectionString);

        var ownRun = await RunDemoAsync(["--connection-file", await ConnectionFileAsync(own.ConnectionString)]);
        var commentedRun = await RunDemoAsync(["--connection-file", await ConnectionFileAsync(commented.ConnectionString)]);

        Assert.True(ownRun.ExitCode == 1, ownRun.Output);
        var user = new NpgsqlConnectionStringBuilder(own.ConnectionString).Username;
        Assert.Contains($"/{own.Name} as {user}: it holds data the demo did not create (schema crm: 1 table or view; rows in crm.accounts)", ownRun.Output, StringComparison.Ordinal);
        Assert.True(commentedRun.ExitCode == 1, commentedRun.Output);
        Assert.Contains($"/{commented.Name} as {user}: it has no tables, but its comment (COMMENT ON DATABASE) is not the demo's", commentedRun.Output, StringComparison.Ordinal);
        var password = new NpgsqlConnectionStringBuilder(own.ConnectionString).Password!;
        Assert.DoesNotContain(password, ownRun.Output + commentedRun.Output, StringComparison.Ordinal);
        Assert.Equal(ownBefore, await SnapshotAsync(own.ConnectionString));
        Assert.Equal(commentedBefore, await SnapshotAsync(commented.ConnectionString));
    }

    [Fact]
    public async Task An_empty_database_is_marked_as_the_demos_and_a_second_run_starts_it_afresh()
    {
        await using var empty = await ServerFixture.Server.CreateDatabaseAsync("quickstart_empty", Ct);
        var file = await ConnectionFileAsync(empty.ConnectionString);

        var first = await RunDemoAsync(["--connection-file", file, "--symbols", "6"]);
        var rowsAfterFirst = await ScalarAsync<long>(empty.ConnectionString, "SELECT count(*) FROM trading.stock_prices");
        var second = await RunDemoAsync(["--connection-file", file, "--symbols", "6"]);

        Assert.True(first.ExitCode == 0, first.Output);
        Assert.Contains("was empty: marked as the demo's with COMMENT ON DATABASE", first.Output, StringComparison.Ordinal);
        Assert.True(second.ExitCode == 0, second.Output);
        Assert.Contains("is the demo's (its COMMENT ON DATABASE says so): the trading schema from the last run was dropped.", second.Output, StringComparison.Ordinal);
        Assert.Equal(6L * 390, rowsAfterFirst);
        Assert.Equal(6L * 390, await ScalarAsync<long>(empty.ConnectionString, "SELECT count(*) FROM trading.stock_prices"));
        Assert.StartsWith("Trading.Timescale quick start demo database",
            await ScalarAsync<string>(empty.ConnectionString, "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = current_database()"),
            StringComparison.Ordinal);

        // The outcome table: a BUY earns the underlying's move, a SELL its negative.
        var outcomes = OutcomeRow().Matches(second.Output);
        Assert.True(outcomes.Count == 5, second.Output);
        foreach (Match row in outcomes)
        {
            var underlying = decimal.Parse(row.Groups["underlying"].Value, CultureInfo.InvariantCulture);
            var earned = decimal.Parse(row.Groups["signal"].Value, CultureInfo.InvariantCulture);
            Assert.Equal(row.Groups["type"].Value == "SELL" ? -underlying : underlying, earned);
        }
    }

    [Fact]
    public void The_server_script_installs_for_the_demo_even_when_the_tests_are_pointed_at_a_server()
    {
        var script = Path.Combine(SampleAssembly.Repository(), "scripts", "ensure-timescaledb.sh");
        var tests = RunScript(script, []);
        var demo = RunScript(script, ["--local-server"]);

        Assert.Equal((0, "[ensure-timescaledb] TRADING_TIMESCALE_CONNECTION is set: using that server, nothing to install."), (tests.ExitCode, tests.Error.Trim()));
        Assert.True(demo.ExitCode == 0, demo.Error);
        Assert.DoesNotContain("nothing to install", demo.Error, StringComparison.Ordinal);
        Assert.Contains("[ensure-timescaledb] PostgreSQL 15 and TimescaleDB are installed.", demo.Error, StringComparison.Ordinal);
    }

    private static (int ExitCode, string Error) RunScript(string script, string[] args)
    {
        var start = new ProcessStartInfo("bash", [script, .. args]) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment[TradingConnectionString.EnvironmentVariable] = "Host=127.0.0.1;Port=1;Database=unused";
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync(Ct);
        _ = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, error.Result);
    }

    /// <summary>Skips unless this machine can start the demo's throwaway local cluster.</summary>
    private static void RequireLocalServer() =>
        Assert.SkipUnless(
            Directory.Exists("/usr/share/postgresql")
            && Directory.EnumerateFiles("/usr/share/postgresql", "timescaledb.control", SearchOption.AllDirectories).Any(),
            "the demo's throwaway server needs PostgreSQL with TimescaleDB installed here (scripts/ensure-timescaledb.sh --local-server)");

    private async Task<(int ExitCode, string Output)> RunDemoAsync(string[] args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo("dotnet", [SampleAssembly.Path("QuickStart"), .. args])
        {
            WorkingDirectory = _directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var variable in ConnectionVariables)
        {
            start.Environment.Remove(variable);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(Ct);
        var error = process.StandardError.ReadToEndAsync(Ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromMinutes(4));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        return (process.ExitCode, await output + await error);
    }

    private async Task<string> ConnectionFileAsync(string connectionString)
    {
        var path = Path.Combine(_directory, Guid.NewGuid().ToString("N") + ".connection");
        await File.WriteAllTextAsync(path, Url(new NpgsqlConnectionStringBuilder(connectionString), withPassword: true) + "\n", Ct);
        return path;
    }

    private static string Url(NpgsqlConnectionStringBuilder builder, bool withPassword) =>
        $"postgresql://{Uri.EscapeDataString(builder.Username!)}{(withPassword ? ":" + Uri.EscapeDataString(builder.Password!) : string.Empty)}" +
        $"@{builder.Host}:{builder.Port.ToString(CultureInfo.InvariantCulture)}/{Uri.EscapeDataString(builder.Database!)}";

    /// <summary>
    /// What must not change: the schema list, the relations per schema (new chunks included), every user table's row
    /// count, the schema journal, the settings and the database's comment.
    /// </summary>
    private static async Task<List<string>> SnapshotAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Ct);
        var snapshot = new List<string>
        {
            "schemas: " + await ScalarAsync<string>(connection, "SELECT string_agg(nspname, ',' ORDER BY nspname) FROM pg_namespace"),
            "relations: " + await ScalarAsync<string>(connection, """
                SELECT string_agg(nspname || '=' || n, ',' ORDER BY nspname)
                FROM (SELECT n.nspname, count(*) AS n FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                      WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') GROUP BY n.nspname) s
                """),
            "comment: " + await ScalarAsync<string?>(connection, "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = current_database()"),
        };
        var tables = new List<string>();
        await using (var command = new NpgsqlCommand("""
            SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'p') AND n.nspname NOT LIKE 'pg\_%' AND n.nspname NOT IN ('information_schema')
              AND n.nspname NOT LIKE '\_timescaledb\_%' ORDER BY 1
            """, connection))
        await using (var reader = await command.ExecuteReaderAsync(Ct))
        {
            while (await reader.ReadAsync(Ct))
            {
                tables.Add(reader.GetString(0));
            }
        }

        foreach (var table in tables)
        {
            snapshot.Add($"{table}: {await ScalarAsync<long>(connection, $"SELECT count(*) FROM {table}")} rows");
        }

        if (tables.Contains("trading.schema_migrations"))
        {
            snapshot.Add("journal: " + await ScalarAsync<string>(connection, "SELECT string_agg(j::text, E'\\n' ORDER BY j::text) FROM trading.schema_migrations j"));
            snapshot.Add("settings: " + await ScalarAsync<string>(connection, "SELECT string_agg(s::text, E'\\n' ORDER BY s::text) FROM trading.settings s"));
        }

        return snapshot;
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        var value = await command.ExecuteScalarAsync(Ct);
        return value is DBNull or null ? default! : (T)value;
    }

    private static async Task<T> ScalarAsync<T>(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Ct);
        return await ScalarAsync<T>(connection, sql);
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(Ct);
    }

    [GeneratedRegex(@"^\s*\d\d:\d\d\s+\S+\s+(?<type>BUY|SELL)\s.*\s(?<underlying>[+-]?\d+\.\d\d)%\s+(?<signal>[+-]?\d+\.\d\d)%\s*$", RegexOptions.Multiline)]
    private static partial Regex OutcomeRow();
}
