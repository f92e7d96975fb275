using System.Security.Cryptography;
using Npgsql;
using Trading.Timescale.Operations;
using Trading.Timescale.Operations.Internal;

namespace Trading.Timescale.IntegrationTests.Operations;

public sealed class RolesTests(Infrastructure.TimescaleServerFixture server) : OperationsTest(server)
{
    // Role names are cluster-wide: unique per test class instance.
    private readonly string _suffix = RandomNumberGenerator.GetHexString(8, lowercase: true);
    private readonly string _analyticsPassword = "An4lytics-" + RandomNumberGenerator.GetHexString(16, lowercase: true);
    private readonly string _appPassword = "App-P4ss-" + RandomNumberGenerator.GetHexString(16, lowercase: true);

    private string Analytics => "analytics_" + _suffix;

    private string App => "App User " + _suffix; // a name that needs quoting

    private TradingRoles Roles(string? appPassword = null) =>
        new() { AnalyticsUser = Analytics, AnalyticsPassword = _analyticsPassword, AppUser = App, AppPassword = appPassword ?? _appPassword };

    private string ConnectionAs(string user, string password) =>
        new NpgsqlConnectionStringBuilder(Database.ConnectionString) { Username = user, Password = password, Pooling = false }.ConnectionString;

    private async Task<NpgsqlConnection> OpenAsAsync(string user, string password)
    {
        var connection = new NpgsqlConnection(ConnectionAs(user, password));
        await connection.OpenAsync(Ct);
        return connection;
    }

    private static async Task<object?> RunAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync(Ct);
    }

    private static async Task AssertDeniedAsync(NpgsqlConnection connection, string sql)
    {
        var error = await Assert.ThrowsAsync<PostgresException>(() => RunAsync(connection, sql));
        Assert.True(error.SqlState == PostgresErrorCodes.InsufficientPrivilege, $"{sql}: expected permission denied, got {error.SqlState} {error.MessageText}");
    }

    private async Task<bool> PasswordAuthenticationAsync() =>
        await ScalarAsync<string>("SELECT coalesce((SELECT string_agg(DISTINCT auth_method, ',') FROM pg_hba_file_rules WHERE type = 'host'), '')") is { } methods
        && !methods.Contains("trust", StringComparison.Ordinal);

    [Fact]
    public async Task Analytics_reads_only_and_app_writes_only_what_it_may()
    {
        await ExecuteAsync("""
            INSERT INTO trading.stock_prices (symbol, timestamp, close_price, volume) VALUES ('AAPL', now() - INTERVAL '1 hour', 100, 10);
            """);

        var results = await Trading.Operations.ApplyRolesAsync(Roles(), Ct);

        Assert.All(results, r => Assert.True(r.Created && r.PasswordChanged));
        Assert.DoesNotContain("settings", results[1].WritableTables);
        Assert.Contains("positions", results[1].WritableTables);
        await using (var analytics = await OpenAsAsync(Analytics, _analyticsPassword))
        {
            Assert.Equal(1L, await RunAsync(analytics, "SELECT count(*) FROM trading.stock_prices"));
            Assert.Equal(0L, await RunAsync(analytics, "SELECT count(*) FROM trading.stock_prices_1h WHERE bucket < now() - INTERVAL '10 days'"));
            await AssertDeniedAsync(analytics, "INSERT INTO trading.stock_prices (symbol, timestamp) VALUES ('MSFT', now())");
            await AssertDeniedAsync(analytics, "UPDATE trading.positions SET notes = 'x'");
            await AssertDeniedAsync(analytics, "CREATE TABLE trading.mine (id int)");
        }

        await using var app = await OpenAsAsync(App, _appPassword);
        await RunAsync(app, "INSERT INTO trading.stock_prices (symbol, timestamp, close_price, volume) VALUES ('MSFT', now() - INTERVAL '2 hours', 50, 5)");
        await RunAsync(app, "UPDATE trading.stock_prices SET volume = 6 WHERE symbol = 'MSFT'");
        await RunAsync(app, """
            INSERT INTO trading.positions (symbol, instrument_type, quantity, average_cost) VALUES ('MSFT', 'STOCK', 10, 50);
            INSERT INTO trading.system_events (event_type, severity, source, message) VALUES ('halt', 'CRITICAL', 'app', 'copied by the trigger');
            """);
        Assert.Equal(1L, await ScalarAsync<long>("SELECT count(*) FROM trading.system_events_critical WHERE source = 'app'"));
        await AssertDeniedAsync(app, "DELETE FROM trading.stock_prices WHERE symbol = 'MSFT'");
        await AssertDeniedAsync(app, "TRUNCATE trading.signals");
        await AssertDeniedAsync(app, "CREATE TABLE trading.mine (id int)");
        await AssertDeniedAsync(app, "DROP TABLE trading.positions");
        await AssertDeniedAsync(app, "INSERT INTO trading.schema_migrations (id) VALUES ('9999_mine')");
        await AssertDeniedAsync(app, "UPDATE trading.schema_migrations SET checksum = 'x'");
        await AssertDeniedAsync(app, "UPDATE trading.settings SET value = '1 day' WHERE name = 'retention_stock_prices'");
        await AssertDeniedAsync(app, "INSERT INTO trading.system_events_critical (id, event_type, severity, source, message, timestamp) VALUES (1, 'x', 'CRITICAL', 'x', 'x', now())");
        await AssertDeniedAsync(app, "DELETE FROM trading.system_events_critical");
        Assert.Equal(6L, await ScalarAsync<long>("SELECT volume FROM trading.stock_prices WHERE symbol = 'MSFT'"));
    }

    [Fact]
    public async Task Both_roles_read_tables_and_chunks_created_after_the_roles()
    {
        await Trading.Operations.ApplyRolesAsync(Roles(), Ct);
        await ExecuteAsync("""
            CREATE TABLE trading.later (id BIGSERIAL, ts timestamptz NOT NULL, value int, PRIMARY KEY (id, ts));
            SELECT create_hypertable('trading.later', 'ts', chunk_time_interval => INTERVAL '1 day');
            INSERT INTO trading.later (ts, value) VALUES (now(), 1);
            """);

        await using var app = await OpenAsAsync(App, _appPassword);
        await using var analytics = await OpenAsAsync(Analytics, _analyticsPassword);
        Assert.Equal(1L, await RunAsync(analytics, "SELECT count(*) FROM trading.later"));
        await RunAsync(app, "INSERT INTO trading.later (ts, value) VALUES (now() + INTERVAL '30 days', 2)"); // a new chunk, and the sequence
        await RunAsync(app, "INSERT INTO trading.stock_prices (symbol, timestamp, close_price) VALUES ('NEW', now() + INTERVAL '40 days', 1)"); // a new chunk
        Assert.Equal(2L, await RunAsync(app, "SELECT count(*) FROM trading.later"));
        Assert.Equal(2L, await RunAsync(analytics, "SELECT count(*) FROM trading.later"));
        Assert.Equal(1L, await RunAsync(analytics, "SELECT count(*) FROM trading.stock_prices WHERE symbol = 'NEW'"));
        await AssertDeniedAsync(app, "DELETE FROM trading.later");
        await AssertDeniedAsync(analytics, "INSERT INTO trading.later (ts, value) VALUES (now(), 3)");
    }

    [Fact]
    public async Task Re_running_updates_the_roles_and_sets_a_password_only_when_one_is_given()
    {
        await Trading.Operations.ApplyRolesAsync(Roles(), Ct);

        var kept = await Trading.Operations.ApplyRolesAsync(new TradingRoles { AnalyticsUser = Analytics, AppUser = App }, Ct);
        var newPassword = "N3w-" + RandomNumberGenerator.GetHexString(12, lowercase: true);
        var changed = await Trading.Operations.ApplyRolesAsync(new TradingRoles { AnalyticsUser = Analytics, AppUser = App, AppPassword = newPassword }, Ct);

        Assert.All(kept, r => Assert.False(r.Created));
        Assert.All(kept, r => Assert.False(r.PasswordChanged));
        Assert.False(changed[0].PasswordChanged);
        Assert.True(changed[1].PasswordChanged);
        await using (await OpenAsAsync(Analytics, _analyticsPassword))
        {
        }

        await using (await OpenAsAsync(App, newPassword))
        {
        }

        if (await PasswordAuthenticationAsync())
        {
            await Assert.ThrowsAsync<PostgresException>(() => OpenAsAsync(App, _appPassword));
        }
    }

    public static TheoryData<string, string> Powers => new()
    {
        { "SUPERUSER", "is a superuser (SUPERUSER)" },
        { "CREATEROLE", "is allowed to create roles (CREATEROLE)" },
        { "CREATEDB", "is allowed to create databases (CREATEDB)" },
        { "BYPASSRLS", "is exempt from row security (BYPASSRLS)" },
        { "REPLICATION", "is a replication role (REPLICATION)" },
        { "GRANT pg_write_server_files", "is a member of pg_write_server_files" },
        { "GRANT pg_read_all_data", "is a member of pg_read_all_data" },
        { "GRANT schema owner", "(the owner of the trading schema" },
    };

    [Theory]
    [MemberData(nameof(Powers))]
    public async Task An_existing_role_with_a_power_is_refused_until_reset_attributes_removes_it(string power, string phrase)
    {
        var verifier = ScramSha256.CreateVerifier(_appPassword);
        var schemaOwner = await ScalarAsync<string>("SELECT pg_get_userbyid(nspowner)::text FROM pg_namespace WHERE nspname = 'trading'");
        await ExecuteAsync(power.StartsWith("GRANT ", StringComparison.Ordinal)
            ? $"CREATE ROLE \"{App}\" LOGIN PASSWORD '{verifier}'; GRANT \"{(power == "GRANT schema owner" ? schemaOwner : power[6..])}\" TO \"{App}\""
            : $"CREATE ROLE \"{App}\" LOGIN {power} PASSWORD '{verifier}'");

        var refused = await Assert.ThrowsAsync<TradingOperationsException>(() => Trading.Operations.ApplyRolesAsync(Roles(), Ct));
        var untouched = await ScalarAsync<bool>("SELECT NOT EXISTS (SELECT FROM pg_roles WHERE rolname = $1)", Analytics); // created first, rolled back
        var results = await Trading.Operations.ApplyRolesAsync(new TradingRoles { AnalyticsUser = Analytics, AnalyticsPassword = _analyticsPassword, AppUser = App, ResetAttributes = true }, Ct);

        Assert.Contains($"the app role '{App}' already exists and ", refused.Message, StringComparison.Ordinal);
        Assert.Contains(phrase, refused.Message, StringComparison.Ordinal);
        Assert.Contains("--reset-attributes", refused.Message, StringComparison.Ordinal);
        Assert.True(untouched, "nothing stays created when a role is refused");
        Assert.Contains(results[1].RemovedPowers, p => p.Contains(phrase, StringComparison.Ordinal));
        Assert.Equal(0L, await ScalarAsync<long>("""
            SELECT count(*) FROM pg_roles r
            WHERE r.rolname = $1 AND (r.rolsuper OR r.rolcreaterole OR r.rolcreatedb OR r.rolbypassrls OR r.rolreplication
                   OR EXISTS (SELECT FROM pg_auth_members m WHERE m.member = r.oid))
            """, App));
        await using var app = await OpenAsAsync(App, _appPassword);
        await AssertDeniedAsync(app, "UPDATE trading.settings SET value = '1 day' WHERE name = 'retention_stock_prices'");
        await AssertDeniedAsync(app, "DELETE FROM trading.stock_prices");
    }

    [Fact]
    public async Task A_role_that_owns_the_database_is_refused_even_with_reset_attributes()
    {
        await ExecuteAsync($"CREATE ROLE \"{App}\" LOGIN PASSWORD '{ScramSha256.CreateVerifier(_appPassword)}'; ALTER DATABASE \"{Database.Name}\" OWNER TO \"{App}\"");
        try
        {
            var refused = await Assert.ThrowsAsync<TradingOperationsException>(() => Trading.Operations.ApplyRolesAsync(Roles(), Ct));
            var reset = await Assert.ThrowsAsync<TradingOperationsException>(() => Trading.Operations.ApplyRolesAsync(
                new TradingRoles { AnalyticsUser = Analytics, AnalyticsPassword = _analyticsPassword, AppUser = App, ResetAttributes = true }, Ct));

            Assert.Contains($"'{App}' already exists and ", refused.Message, StringComparison.Ordinal);
            Assert.Contains("owns database ", refused.Message, StringComparison.Ordinal);
            Assert.Contains($"'{App}' still ", reset.Message, StringComparison.Ordinal);
            Assert.Contains("owns database ", reset.Message, StringComparison.Ordinal);
            Assert.Contains("after --reset-attributes", reset.Message, StringComparison.Ordinal);
            Assert.Contains(Database.Name, reset.Message, StringComparison.Ordinal);
        }
        finally
        {
            await ExecuteAsync($"ALTER DATABASE \"{Database.Name}\" OWNER TO CURRENT_USER");
        }
    }

    [Fact]
    public async Task The_cli_refuses_a_role_with_createrole_and_reset_attributes_removes_it()
    {
        await ExecuteAsync($"CREATE ROLE \"{App}\" LOGIN CREATEROLE PASSWORD '{ScramSha256.CreateVerifier(_appPassword)}'");
        string[] args = ["roles", "apply", "-c", Database.ConnectionString, "--analytics-user", Analytics, "--analytics-password-file", "-", "--app-user", App];

        var refused = await Infrastructure.CliRunner.RunAsync(args, new StringReader(_analyticsPassword + "\n"));
        var reset = await Infrastructure.CliRunner.RunAsync([.. args, "--reset-attributes"], new StringReader(_analyticsPassword + "\n"));

        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains($"'{App}' already exists and is allowed to create roles (CREATEROLE)", refused.Error, StringComparison.Ordinal);
        Assert.True(reset.ExitCode == 0, reset.Output + reset.Error);
        Assert.Contains($"Powers removed from {App}: is allowed to create roles (CREATEROLE).", reset.Output, StringComparison.Ordinal);
        Assert.False(await ScalarAsync<bool>("SELECT rolcreaterole FROM pg_roles WHERE rolname = $1", App));
    }

    [Fact]
    public async Task The_verifier_is_what_the_server_computes_itself()
    {
        var role = "scram_probe_" + _suffix;
        await ExecuteAsync($"SET password_encryption = 'scram-sha-256'; CREATE ROLE {role} PASSWORD 'pencil'");
        try
        {
            var stored = await ScalarAsync<string>("SELECT rolpassword FROM pg_authid WHERE rolname = $1", role);

            Assert.True(ScramSha256.Matches(stored, "pencil"));
            Assert.False(ScramSha256.Matches(stored, "pencil2"));
            Assert.Matches("^SCRAM-SHA-256\\$4096:[A-Za-z0-9+/=]+\\$[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$", ScramSha256.CreateVerifier("pencil"));
        }
        finally
        {
            await ExecuteAsync($"DROP ROLE {role}");
        }
    }

    [Fact]
    public async Task No_password_reaches_the_server_log_or_pg_stat_activity_with_log_statement_all()
    {
        await ExecuteAsync($"ALTER DATABASE \"{Database.Name}\" SET log_statement = 'all'");
        var logFile = ServerFixture.Server.LocalCluster?.LogFile;
        long logStart = logFile is not null && File.Exists(logFile) ? new FileInfo(logFile).Length : 0;
        // A fresh data source: the new sessions pick up the database's log_statement.
        await using var trading = TradingDatabase.Create(Database.ConnectionString);

        await trading.Operations.ApplyRolesAsync(Roles(), Ct);
        await trading.Operations.ApplyRolesAsync(Roles("S3cond-" + _appPassword), Ct);

        var activity = await StringsAsync("SELECT coalesce(query, '') FROM pg_stat_activity");
        Assert.All(activity, q => Assert.DoesNotContain(_analyticsPassword, q, StringComparison.Ordinal));
        Assert.All(activity, q => Assert.DoesNotContain(_appPassword, q, StringComparison.Ordinal));
        await using (await OpenAsAsync(Analytics, _analyticsPassword))
        {
        }

        Assert.SkipWhen(logFile is null, "The server log is readable here only for a local cluster; this server was not started by the tests.");
        string log;
        await using (var stream = new FileStream(logFile!, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
        {
            stream.Seek(logStart, SeekOrigin.Begin);
            log = await new StreamReader(stream).ReadToEndAsync(Ct);
        }

        Assert.Contains($"CREATE ROLE \"{Analytics}\" WITH LOGIN PASSWORD 'SCRAM-SHA-256$4096:", log, StringComparison.Ordinal); // statements are logged
        Assert.Contains($"ALTER ROLE \"{App}\" WITH LOGIN PASSWORD 'SCRAM-SHA-256$4096:", log, StringComparison.Ordinal);
        Assert.DoesNotContain(_analyticsPassword, log, StringComparison.Ordinal);
        Assert.DoesNotContain(_appPassword, log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_names_are_refused_naming_the_problem()
    {
        var empty = await Assert.ThrowsAsync<ArgumentException>(() => Trading.Operations.ApplyRolesAsync(new TradingRoles { AnalyticsUser = " ", AppUser = App }, Ct));
        var reserved = await Assert.ThrowsAsync<ArgumentException>(() => Trading.Operations.ApplyRolesAsync(new TradingRoles { AnalyticsUser = "pg_reader", AppUser = App }, Ct));
        var same = await Assert.ThrowsAsync<ArgumentException>(() => Trading.Operations.ApplyRolesAsync(new TradingRoles { AnalyticsUser = App, AppUser = App }, Ct));
        var connected = await Assert.ThrowsAsync<TradingOperationsException>(() => Trading.Operations.ApplyRolesAsync(
            new TradingRoles { AnalyticsUser = new NpgsqlConnectionStringBuilder(Database.ConnectionString).Username!, AppUser = App, AppPassword = _appPassword }, Ct));
        var noPassword = await Assert.ThrowsAsync<TradingOperationsException>(() => Trading.Operations.ApplyRolesAsync(new TradingRoles { AnalyticsUser = Analytics, AppUser = App }, Ct));

        Assert.Contains("analytics role name is empty", empty.Message, StringComparison.Ordinal);
        Assert.Contains("'pg_reader' starts with pg_", reserved.Message, StringComparison.Ordinal);
        Assert.Contains("different names", same.Message, StringComparison.Ordinal);
        Assert.Contains("is the role this connection uses", connected.Message, StringComparison.Ordinal);
        Assert.Contains($"'{Analytics}' does not exist: give its password", noPassword.Message, StringComparison.Ordinal);
        Assert.Equal(0L, await ScalarAsync<long>("SELECT count(*) FROM pg_roles WHERE rolname IN ($1, $2)", Analytics, App));
    }

    public override async ValueTask DisposeAsync()
    {
        await Infrastructure.TestRoles.DropAsync(Database.ConnectionString, [Analytics, App]);

        await base.DisposeAsync();
    }
}
