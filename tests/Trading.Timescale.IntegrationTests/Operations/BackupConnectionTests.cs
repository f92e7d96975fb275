using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Trading.Timescale.IntegrationTests.Infrastructure;
using Trading.Timescale.Operations;

namespace Trading.Timescale.IntegrationTests.Operations;

/// <summary>
/// pg_dump and pg_restore reach the server Npgsql reaches, with its credentials: past a dead first host, through a
/// password file, with the password of a data source (scram-sha-256 on the test server), and never where inherited PG*
/// variables point.
/// </summary>
public sealed class BackupConnectionTests(TimescaleServerFixture server) : BackupTest(server)
{
    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public async Task Inherited_PG_variables_pointing_elsewhere_do_not_redirect_pg_dump_or_pg_restore()
    {
        await LoadEveryTableAsync();
        Directory.CreateDirectory(BackupDirectoryPath);
        var connectionFile = Path.Combine(BackupDirectoryPath, "connection");
        await File.WriteAllTextAsync(connectionFile, Database.ConnectionString, Ct);
        File.SetUnixFileMode(connectionFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var target = NewDatabaseName("pgenv");
        // The command line runs as its own process, so the variables reach it (and pg_dump) without touching this one.
        var environment = new Dictionary<string, string>
        {
            ["PGHOST"] = "127.0.0.1",
            ["PGHOSTADDR"] = "127.0.0.1",
            ["PGPORT"] = DeadPort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["PGDATABASE"] = "postgres",
            ["PGUSER"] = "nobody",
            ["PGSERVICE"] = "no_such_service",
            ["PGPASSFILE"] = "/nonexistent/pgpass",
            ["PGPASSWORD"] = "wrong-password",
            ["PGSSLMODE"] = "require",
            ["BACKUP_DIR"] = BackupDirectoryPath,
            // Another test class may set S3_BUCKET in this process meanwhile; this backup stays local.
            ["S3_BUCKET"] = string.Empty,
        };

        var backup = await CliRunner.RunProcessAsync(environment, "backup", "full", "--connection-file", connectionFile);
        Assert.True(backup.ExitCode == 0, $"exit code {backup.ExitCode}: {backup.Error} {backup.Output}");
        var restore = await CliRunner.RunProcessAsync(environment, "restore", "full", backup.Output.Trim(), "--connection-file", connectionFile, "--target-database", target, "--create");
        Assert.True(restore.ExitCode == 0, restore.Error);

        Assert.Equal(await FingerprintAsync(Database.ConnectionString), await FingerprintAsync(ConnectionStringFor(target)));
    }

    [Fact]
    public async Task Every_host_of_a_multi_host_connection_reaches_pg_dump_and_pg_restore_past_a_dead_first_host()
    {
        await LoadEveryTableAsync();
        var builder = new NpgsqlConnectionStringBuilder(Database.ConnectionString);
        builder.Host = $"127.0.0.1:{DeadPort()},{builder.Host}:{builder.Port}";
        builder.SslMode = SslMode.Disable;
        var backups = new TradingBackups(builder.ConnectionString);
        var target = NewDatabaseName("multihost");

        var backup = await backups.BackupAsync(new BackupRequest(BackupKind.Full, BackupDirectoryPath), cancellationToken: Ct);
        await backups.RestoreAsync(new RestoreRequest(RestoreKind.Full, backup.DumpPath) { TargetDatabase = target, CreateDatabase = true }, cancellationToken: Ct);

        Assert.Equal(await FingerprintAsync(Database.ConnectionString), await FingerprintAsync(ConnectionStringFor(target)));
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public async Task A_password_file_named_by_the_connection_string_reaches_pg_dump()
    {
        var builder = new NpgsqlConnectionStringBuilder(Database.ConnectionString);
        var password = builder.Password!;
        Directory.CreateDirectory(BackupDirectoryPath);
        var passFile = Path.Combine(BackupDirectoryPath, "pgpass");
        await File.WriteAllTextAsync(passFile, $"{builder.Host}:{builder.Port}:{Database.Name}:{builder.Username}:{password}\n", Ct);
        File.SetUnixFileMode(passFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        builder.Password = null;
        builder.Passfile = passFile;

        var backup = await new TradingBackups(builder.ConnectionString).BackupAsync(new BackupRequest(BackupKind.Schema, Path.Combine(BackupDirectoryPath, "out")), cancellationToken: Ct);

        Assert.Equal(Database.Name, backup.Manifest.Database);
        Assert.Contains(backup.Manifest.Tables, t => t.Name == "trading.stock_prices");
    }

    [Fact]
    public async Task Backups_of_a_database_built_from_a_data_source_use_the_data_sources_password()
    {
        await LoadEveryTableAsync();
        var password = new NpgsqlConnectionStringBuilder(Database.ConnectionString).Password!;
        var dataSourceBuilder = new NpgsqlDataSourceBuilder(Database.ConnectionString);
        dataSourceBuilder.UseNodaTime();
        await using var dataSource = dataSourceBuilder.Build();
        Assert.DoesNotContain(password, dataSource.ConnectionString, StringComparison.Ordinal);
        Assert.Equal("scram-sha-256", await AuthenticationMethodAsync());

        await using var direct = new TradingDatabase(dataSource, new TradingTimescaleOptions());
        var first = await direct.Backups.BackupAsync(new BackupRequest(BackupKind.Full, Path.Combine(BackupDirectoryPath, "direct")), cancellationToken: Ct);

        var services = new ServiceCollection();
        services.AddSingleton(dataSource);
        services.AddTradingTimescale(_ => { }).UseDataSource();
        await using var provider = services.BuildServiceProvider();
        var adopted = provider.GetRequiredService<TradingDatabase>();
        var second = await adopted.Backups.BackupAsync(new BackupRequest(BackupKind.Full, Path.Combine(BackupDirectoryPath, "adopted")), cancellationToken: Ct);

        Assert.Equal(Database.Name, first.Manifest.Database);
        Assert.Equal(first.Manifest.Tables, second.Manifest.Tables);
        Assert.Equal(600L, first.Manifest.Tables.Single(t => t.Name == "trading.stock_prices").Rows);
    }

    /// <summary>The method pg_hba.conf gives TCP connections of the test user on the test server.</summary>
    private async Task<string> AuthenticationMethodAsync()
    {
        var builder = new NpgsqlConnectionStringBuilder(Database.ConnectionString);
        return await ScalarAsync<string>(
            ServerFixture.Server.ConnectionString,
            $"SELECT auth_method FROM pg_hba_file_rules WHERE type = 'host' AND ('all' = ANY(user_name) OR '{builder.Username}' = ANY(user_name)) ORDER BY line_number LIMIT 1");
    }

    /// <summary>A loopback port nothing listens on.</summary>
    private static int DeadPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
