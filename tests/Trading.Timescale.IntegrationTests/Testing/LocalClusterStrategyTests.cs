using Npgsql;
using Trading.Timescale.Schema;
using Trading.Timescale.Testing;
using Trading.Timescale.Testing.Internal;

namespace Trading.Timescale.IntegrationTests.Testing;

public sealed class LocalClusterStrategyTests
{
    [Fact]
    public async Task Local_cluster_starts_reports_its_edition_and_leaves_nothing_behind_after_dispose()
    {
        var ct = TestContext.Current.CancellationToken;
        var installation = LocalClusterTesting.InstallationOrSkip();

        var server = await TimescaleTestServer.StartAsync(LocalClusterTesting.LocalOnly(), ct);
        string clusterDirectory;
        int postmasterPid;
        try
        {
            Assert.Equal(TimescaleTestServerKind.LocalCluster, server.Kind);
            var cluster = Assert.IsType<LocalCluster>(server.LocalCluster);
            clusterDirectory = cluster.ClusterDirectory;
            Assert.StartsWith(LocalCluster.DefaultRoot(), clusterDirectory, StringComparison.Ordinal);
            postmasterPid = Assert.NotNull(LocalCluster.ReadPostmasterPid(cluster.DataDirectory));
            Assert.True(OsProcesses.IsLivePostgres(postmasterPid), $"postmaster {postmasterPid} should run");

            Assert.Equal(LocalClusterTesting.ExpectedEdition(installation), server.Edition);
            Assert.Equal(installation.TimescaleVersion, server.ServerInfo.TimescaleVersion);
            Assert.StartsWith($"{installation.MajorVersion}.", server.ServerInfo.ServerVersion, StringComparison.Ordinal);
            Assert.Equal(
                $"PostgreSQL {server.ServerInfo.ServerVersion.Split(' ')[0]}, TimescaleDB {installation.TimescaleVersion} " +
                $"({server.Edition.ToString().ToLowerInvariant()} edition) via local cluster on 127.0.0.1:{cluster.Port}",
                server.Describe());
            Assert.Matches(@"^PostgreSQL \d+\.\d+, ", server.Describe());
            Assert.Equal(server.Describe(), server.ToString());

            var builder = new NpgsqlConnectionStringBuilder(server.ConnectionString);
            Assert.Equal("127.0.0.1", builder.Host);
            Assert.Equal(cluster.Port, builder.Port);
            var password = Assert.IsType<string>(builder.Password);
            Assert.True(password.Length >= 32);

            await using (var connection = new NpgsqlConnection(server.ConnectionString))
            {
                await connection.OpenAsync(ct);
                Assert.Equal("off", await ShowAsync(connection, "fsync", ct));
                Assert.Equal("off", await ShowAsync(connection, "synchronous_commit", ct));
                Assert.Equal("off", await ShowAsync(connection, "full_page_writes", ct));
                Assert.Equal("200", await ShowAsync(connection, "max_connections", ct));
                Assert.Equal("127.0.0.1", await ShowAsync(connection, "listen_addresses", ct));
                Assert.Equal(cluster.SocketDirectory, await ShowAsync(connection, "unix_socket_directories", ct));
                Assert.Equal("scram-sha-256", await ShowAsync(connection, "password_encryption", ct));
                Assert.Contains("timescaledb", await ShowAsync(connection, "shared_preload_libraries", ct), StringComparison.Ordinal);
                Assert.Equal("off", await ShowAsync(connection, "timescaledb.telemetry_level", ct));
            }

            // Password authentication: without the password the server refuses.
            var withoutPassword = new NpgsqlConnectionStringBuilder(server.ConnectionString) { Password = null, Pooling = false };
            await using (var refused = new NpgsqlConnection(withoutPassword.ConnectionString))
            {
                var error = await Assert.ThrowsAnyAsync<NpgsqlException>(() => refused.OpenAsync(ct));
                Assert.Contains("password", error.Message, StringComparison.OrdinalIgnoreCase);
            }

            // The password was handed over by a file that is gone, and it shows in no command line or log.
            Assert.False(File.Exists(Path.Combine(clusterDirectory, "pwfile")));
            Assert.Empty(OsProcesses.WithCommandLineContaining(password));
            Assert.DoesNotContain(password, File.ReadAllText(cluster.LogFile), StringComparison.Ordinal);

            await using var database = await server.CreateDatabaseAsync("local_cluster", ct);
            Assert.True(database.ServerInfo.ExtensionInstalled);
            Assert.Equal(server.Edition, database.Edition);
        }
        finally
        {
            await server.DisposeAsync();
        }

        Assert.False(Directory.Exists(clusterDirectory), $"{clusterDirectory} should be deleted");
        Assert.False(OsProcesses.IsLivePostgres(postmasterPid), $"postmaster {postmasterPid} should be stopped");
        Assert.Empty(OsProcesses.LiveChildrenOf(postmasterPid));
        // The watchdog is ended with the cluster: no process names the directory any more.
        Assert.Empty(OsProcesses.WithCommandLineContaining(clusterDirectory));
    }

    [Fact]
    public async Task Extra_server_settings_reach_the_local_cluster_and_bad_names_are_refused()
    {
        var ct = TestContext.Current.CancellationToken;
        LocalClusterTesting.InstallationOrSkip();

        var bad = LocalClusterTesting.LocalOnly();
        bad.ServerSettings["work_mem; DROP"] = "1MB";
        var refused = await Assert.ThrowsAsync<ArgumentException>(() => TimescaleTestServer.StartAsync(bad, ct));
        Assert.Contains("work_mem; DROP", refused.Message, StringComparison.Ordinal);

        var options = LocalClusterTesting.LocalOnly();
        options.ServerSettings["work_mem"] = "7MB";
        options.ServerSettings["application_name"] = "it's a test";
        await using var server = await TimescaleTestServer.StartAsync(options, ct);
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(server.ConnectionString) { ApplicationName = null }.ConnectionString);
        await connection.OpenAsync(ct);
        Assert.Equal("7MB", await ShowAsync(connection, "work_mem", ct));
        Assert.Equal("it's a test", await ShowAsync(connection, "application_name", ct));
        Assert.NotEqual(TimescaleEdition.None, server.Edition);
    }

    private static async Task<string> ShowAsync(NpgsqlConnection connection, string setting, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("SELECT current_setting($1)", connection) { Parameters = { new() { Value = setting } } };
        return (string)(await command.ExecuteScalarAsync(ct))!;
    }
}
