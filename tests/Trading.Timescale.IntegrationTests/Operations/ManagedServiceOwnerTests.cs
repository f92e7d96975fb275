using System.Security.Cryptography;
using System.Text.Json;
using Npgsql;
using Trading.Timescale.IntegrationTests.Infrastructure;
using Trading.Timescale.Operations;
using Trading.Timescale.Operations.Internal;
using Trading.Timescale.Schema;

namespace Trading.Timescale.IntegrationTests.Operations;

/// <summary>
/// Managed-services mode, as on Timescale Cloud or Azure: the roles that run the library are not superusers. The database
/// owner has CREATEROLE and CREATEDB and an administrator created the timescaledb extension beforehand; the setup
/// administrator has CREATEROLE and CREATEDB. Each logs in with a password (the test cluster authenticates with SCRAM).
/// </summary>
public sealed class ManagedServiceOwnerTests(TimescaleServerFixture server) : DatabaseTest(server)
{
    private readonly string _name = "tt_managed_" + RandomNumberGenerator.GetHexString(8, lowercase: true);
    private readonly string _password = "Own3r-" + RandomNumberGenerator.GetHexString(16, lowercase: true);
    private readonly List<string> _databases = [];
    private readonly List<string> _roles = [];
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "tt-managed-tests", Guid.NewGuid().ToString("N"));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string Owner => _name + "_owner";

    private string ConnectionAs(string user, string? password, string database) =>
        new NpgsqlConnectionStringBuilder(ServerFixture.Server.ConnectionString) { Username = user, Password = password, Database = database, Pooling = false }.ConnectionString;

    private string SuperuserConnection(string database) =>
        new NpgsqlConnectionStringBuilder(ServerFixture.Server.ConnectionString) { Database = database, Pooling = false }.ConnectionString;

    private static async Task<object?> RunAsync(string connectionString, string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var value in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        return await command.ExecuteScalarAsync(Ct);
    }

    private Task<object?> AsSuperuserAsync(string sql, string? database = null) => RunAsync(SuperuserConnection(database ?? Database.Name), sql);

    /// <summary>A login role that is not a superuser, with the password sent as a verifier.</summary>
    private async Task<string> CreateLoginRoleAsync(string name, string attributes)
    {
        _roles.Add(name);
        await AsSuperuserAsync($"CREATE ROLE \"{name}\" LOGIN NOSUPERUSER {attributes} PASSWORD '{ScramSha256.CreateVerifier(_password)}'");
        return name;
    }

    private async Task<string> PasswordFileAsync(string password)
    {
        Directory.CreateDirectory(_directory);
        var file = Path.Combine(_directory, Guid.NewGuid().ToString("N"));
        await File.WriteAllTextAsync(file, password, Ct);
        return file;
    }

    private void RequireTimescale() =>
        Assert.SkipWhen(Edition == TimescaleEdition.None, "This server has no timescaledb extension to create beforehand.");

    [Fact]
    public async Task A_database_owner_without_superuser_migrates_applies_roles_and_backs_up()
    {
        RequireTimescale();
        await CreateLoginRoleAsync(Owner, "CREATEROLE CREATEDB");
        _databases.Add(_name);
        await AsSuperuserAsync($"CREATE DATABASE \"{_name}\" OWNER \"{Owner}\"");
        await AsSuperuserAsync("CREATE EXTENSION IF NOT EXISTS timescaledb", _name);
        var owner = ConnectionAs(Owner, _password, _name);
        Assert.Equal(false, await RunAsync(owner, "SELECT rolsuper FROM pg_roles WHERE rolname = current_user"));

        var migrate = await CliRunner.RunAsync(["migrate", "-c", owner]);
        Assert.True(migrate.ExitCode == 0, migrate.Output + migrate.Error);
        Assert.Equal(Owner, await RunAsync(owner, "SELECT pg_get_userbyid(nspowner)::text FROM pg_namespace WHERE nspname = 'trading'"));

        var app = _name + "_app";
        var analytics = _name + "_analytics";
        _roles.AddRange([app, analytics]);
        var appPassword = "App-" + RandomNumberGenerator.GetHexString(12, lowercase: true);
        string[] roles = ["roles", "apply", "-c", owner, "--analytics-user", analytics, "--analytics-password-file", await PasswordFileAsync(_password),
            "--app-user", app, "--app-password-file", await PasswordFileAsync(appPassword), "--json"];
        var first = await CliRunner.RunAsync(roles);
        var again = await CliRunner.RunAsync(roles); // existing roles: read from pg_roles, never pg_authid
        Assert.True(first.ExitCode == 0, first.Output + first.Error);
        Assert.True(again.ExitCode == 0, again.Output + again.Error);
        using (var json = JsonDocument.Parse(again.Output))
        {
            Assert.All(json.RootElement.GetProperty("roles").EnumerateArray(), r => Assert.False(r.GetProperty("created").GetBoolean()));
        }

        await RunAsync(ConnectionAs(app, appPassword, _name), """
            INSERT INTO trading.stock_prices (symbol, timestamp, close_price, volume) VALUES ('AAPL', now() - INTERVAL '1 hour', 100, 10);
            INSERT INTO trading.system_events (event_type, severity, source, message) VALUES ('halt', 'CRITICAL', 'app', 'kept');
            """);

        var backup = await new TradingBackups(owner).BackupAsync(new BackupRequest(BackupKind.Full, _directory), cancellationToken: Ct);

        // pg_restore of a TimescaleDB archive writes TimescaleDB's catalog and internal schemas, and timescaledb_pre_restore()
        // sets a superuser parameter: on a server of our own an owner without superuser cannot restore it.
        var ownerRestore = _name + "_owner_restore";
        _databases.Add(ownerRestore);
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => new TradingBackups(owner).RestoreAsync(
            new RestoreRequest(RestoreKind.Full, backup.DumpPath) { TargetDatabase = ownerRestore, CreateDatabase = true }, cancellationToken: Ct));
        Assert.Contains("timescaledb.restoring", refused.Message, StringComparison.Ordinal);
        if (Equals(await RunAsync(SuperuserConnection(Database.Name), "SELECT EXISTS (SELECT FROM pg_database WHERE datname = $1)", ownerRestore), true))
        {
            Assert.Equal(true, await AsSuperuserAsync("SELECT to_regnamespace('trading') IS NULL", ownerRestore)); // nothing restored
        }

        // The owner's backup restores as a superuser, and the owner owns what comes back.
        var restoredName = _name + "_restored";
        _databases.Add(restoredName);
        var restored = await new TradingBackups(SuperuserConnection(Database.Name)).RestoreAsync(
            new RestoreRequest(RestoreKind.Full, backup.DumpPath) { TargetDatabase = restoredName, CreateDatabase = true }, cancellationToken: Ct);

        Assert.True(restored.Created);
        await AsSuperuserAsync($"ALTER DATABASE \"{restoredName}\" OWNER TO \"{Owner}\"");
        var copy = ConnectionAs(Owner, _password, restoredName);
        Assert.Equal(1L, await RunAsync(copy, "SELECT count(*) FROM trading.stock_prices WHERE symbol = 'AAPL'"));
        Assert.Equal("app:kept", await RunAsync(copy, "SELECT string_agg(source || ':' || message, '|') FROM trading.system_events_critical"));
        Assert.Equal(Owner, await RunAsync(copy, "SELECT pg_get_userbyid(nspowner)::text FROM pg_namespace WHERE nspname = 'trading'"));
        await using var restoredTrading = TradingDatabase.Create(copy);
        var report = await restoredTrading.Schema.MigrateAsync(Ct);
        Assert.Empty(report.Applied);
    }

    [Fact]
    public async Task Setup_by_an_administrator_without_superuser_creates_the_role_database_and_extension()
    {
        RequireTimescale();
        var admin = await CreateLoginRoleAsync(_name + "_admin", "CREATEROLE CREATEDB");
        _roles.Add(Owner);
        _databases.Add(_name);

        var result = await CliRunner.RunAsync(["setup", "-c", ConnectionAs(admin, _password, "postgres"), "--database", _name, "--owner", Owner,
            "--owner-password-file", await PasswordFileAsync(_password), "--json"]);

        Assert.True(result.ExitCode == 0, result.Output + result.Error);
        using var json = JsonDocument.Parse(result.Output);
        Assert.True(json.RootElement.GetProperty("roleCreated").GetBoolean());
        Assert.True(json.RootElement.GetProperty("databaseCreated").GetBoolean());
        Assert.True(json.RootElement.GetProperty("extensionCreated").GetBoolean());
        Assert.Equal(0, json.RootElement.GetProperty("administratorSteps").GetArrayLength());
        var owner = ConnectionAs(Owner, _password, _name);
        Assert.Equal(false, await RunAsync(owner, "SELECT rolsuper OR rolcreaterole OR rolcreatedb FROM pg_roles WHERE rolname = current_user"));
        await using var trading = TradingDatabase.Create(owner);
        await trading.Schema.MigrateAsync(Ct);
    }

    [Fact]
    public async Task Setup_lists_the_steps_that_need_an_administrator_and_a_superuser_then_does_them()
    {
        RequireTimescale();
        var admin = await CreateLoginRoleAsync(_name + "_admin", "CREATEROLE CREATEDB");
        await CreateLoginRoleAsync(Owner, string.Empty);
        _databases.Add(_name);
        await AsSuperuserAsync($"CREATE DATABASE \"{_name}\" OWNER \"{Owner}\"");
        await AsSuperuserAsync("GRANT CREATE ON SCHEMA public TO PUBLIC", _name); // as databases made before PostgreSQL 15 have it
        var stranger = await CreateLoginRoleAsync(_name + "_stranger", string.Empty);
        await RunAsync(ConnectionAs(stranger, _password, _name), "CREATE TABLE public.planted (id int)");
        var request = new DatabaseSetupRequest { Database = _name, Owner = Owner };

        var limited = await TradingOperations.SetupDatabaseAsync(ConnectionAs(admin, _password, "postgres"), request, Ct);
        var cli = await CliRunner.RunAsync(["setup", "-c", ConnectionAs(admin, _password, "postgres"), "--database", _name, "--owner", Owner]);
        var full = await TradingOperations.SetupDatabaseAsync(SuperuserConnection("postgres"), request, Ct);
        var again = await TradingOperations.SetupDatabaseAsync(SuperuserConnection("postgres"), request, Ct);

        Assert.Null(limited.ExtensionVersion);
        Assert.False(limited.PublicCreateRevoked);
        Assert.Collection(limited.AdministratorSteps,
            step => Assert.StartsWith($"CREATE EXTENSION timescaledb; in database \"{_name}\"", step, StringComparison.Ordinal),
            step => Assert.StartsWith($"REVOKE CREATE ON SCHEMA public FROM PUBLIC; in database \"{_name}\"", step, StringComparison.Ordinal));
        Assert.Equal(0, cli.ExitCode);
        Assert.Contains("An administrator must run: CREATE EXTENSION timescaledb;", cli.Output, StringComparison.Ordinal);
        Assert.Contains("An administrator must run: REVOKE CREATE ON SCHEMA public FROM PUBLIC;", cli.Output, StringComparison.Ordinal);
        Assert.True(full.ExtensionCreated);
        Assert.True(full.PublicCreateRevoked);
        Assert.Empty(full.AdministratorSteps);
        Assert.True(again.NothingChanged);
        var denied = await Assert.ThrowsAsync<PostgresException>(() => RunAsync(ConnectionAs(stranger, _password, _name), "CREATE TABLE public.planted_again (id int)"));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, denied.SqlState);
    }

    [Fact]
    public async Task Setup_without_createdb_names_the_missing_privilege()
    {
        var admin = await CreateLoginRoleAsync(_name + "_admin", "CREATEROLE");
        _roles.Add(Owner);

        var error = await Assert.ThrowsAsync<TradingOperationsException>(() => TradingOperations.SetupDatabaseAsync(
            ConnectionAs(admin, _password, "postgres"), new DatabaseSetupRequest { Database = _name, Owner = Owner, OwnerPassword = _password }, Ct));

        Assert.Contains($"creating database \"{_name}\" needs CREATEDB, which the connected role lacks", error.Message, StringComparison.Ordinal);
        Assert.Contains("ask an administrator", error.Message, StringComparison.Ordinal);
    }

    public override async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        foreach (var database in _databases)
        {
            await AsSuperuserAsync($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)");
        }

        await TestRoles.DropAsync(SuperuserConnection(Database.Name), Enumerable.Reverse(_roles).Distinct());

        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }

        await base.DisposeAsync();
    }
}
