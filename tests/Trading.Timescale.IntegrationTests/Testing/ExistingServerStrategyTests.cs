using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Npgsql;
using Trading.Timescale.IntegrationTests.Infrastructure;
using Trading.Timescale.Testing;

namespace Trading.Timescale.IntegrationTests.Testing;

/// <summary>
/// The first strategy: a server named by an environment variable. Each test uses its own variable name, so
/// tests running in parallel do not see each other's settings; the server is the one this test run uses.
/// </summary>
public sealed class ExistingServerStrategyTests(TimescaleServerFixture fixture)
{
    [Fact]
    public async Task A_connection_string_in_the_variable_selects_that_server()
    {
        var ct = TestContext.Current.CancellationToken;
        await AssertExistingServerFromVariableAsync(fixture.Server.ConnectionString, ct);
    }

    [Fact]
    public async Task A_postgresql_url_in_the_variable_selects_that_server()
    {
        var ct = TestContext.Current.CancellationToken;
        var builder = new NpgsqlConnectionStringBuilder(fixture.Server.ConnectionString);
        var credentials = Uri.EscapeDataString(builder.Username!) +
            (string.IsNullOrEmpty(builder.Password) ? string.Empty : ":" + Uri.EscapeDataString(builder.Password));
        var url = $"postgresql://{credentials}@{builder.Host}:{builder.Port}/{Uri.EscapeDataString(builder.Database!)}";

        var server = await AssertExistingServerFromVariableAsync(url, ct);

        var used = new NpgsqlConnectionStringBuilder(server);
        Assert.Equal((builder.Host, builder.Port, builder.Username, builder.Password, builder.Database),
            (used.Host, used.Port, used.Username, used.Password, used.Database));
    }

    [Fact]
    public async Task The_options_connection_string_wins_over_the_variable()
    {
        var ct = TestContext.Current.CancellationToken;
        var variable = NewVariableName();
        Environment.SetEnvironmentVariable(variable, "Host=127.0.0.1;Port=1;Username=nobody");
        try
        {
            var options = new TimescaleTestServerOptions
            {
                ConnectionString = fixture.Server.ConnectionString,
                ConnectionStringVariable = variable,
                UseContainer = false,
                UseLocalCluster = false,
            };
            await using var server = await TimescaleTestServer.StartAsync(options, ct);
            Assert.Equal(TimescaleTestServerKind.ExistingServer, server.Kind);
            Assert.Contains("via TimescaleTestServerOptions.ConnectionString", server.Describe(), StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Fact]
    public async Task An_unreachable_configured_server_fails_fast_naming_the_variable_and_does_not_fall_through()
    {
        var ct = TestContext.Current.CancellationToken;
        var variable = NewVariableName();
        int closedPort;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            closedPort = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        Environment.SetEnvironmentVariable(variable, $"Host=127.0.0.1;Port={closedPort};Username=postgres;Password=not-shown-anywhere;Timeout=3");
        try
        {
            var clock = Stopwatch.StartNew();
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
                TimescaleTestServer.StartAsync(new TimescaleTestServerOptions { ConnectionStringVariable = variable, UseContainer = false }, ct));

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed}");
            Assert.Contains(variable, error.Message, StringComparison.Ordinal);
            Assert.Contains($"Port={closedPort}", error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("not-shown-anywhere", error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("Local cluster", error.Message, StringComparison.Ordinal);
            Assert.IsAssignableFrom<NpgsqlException>(error.InnerException);
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    private async Task<string> AssertExistingServerFromVariableAsync(string value, CancellationToken ct)
    {
        var variable = NewVariableName();
        Environment.SetEnvironmentVariable(variable, value);
        try
        {
            var options = new TimescaleTestServerOptions { ConnectionStringVariable = variable, UseContainer = false, UseLocalCluster = false };
            string connectionString;
            await using (var server = await TimescaleTestServer.StartAsync(options, ct))
            {
                connectionString = server.ConnectionString;
                Assert.Equal(TimescaleTestServerKind.ExistingServer, server.Kind);
                Assert.Equal(fixture.Server.ServerInfo.ServerVersion, server.ServerInfo.ServerVersion);
                Assert.Equal(fixture.Server.ServerInfo.TimescaleVersion, server.ServerInfo.TimescaleVersion);
                Assert.Equal(fixture.Server.Edition, server.Edition);
                var builder = new NpgsqlConnectionStringBuilder(server.ConnectionString);
                Assert.EndsWith($" via {variable} ({builder.Host}:{builder.Port})", server.Describe(), StringComparison.Ordinal);

                await using var database = await server.CreateDatabaseAsync("existing_server", ct);
                await using var connection = new NpgsqlConnection(database.ConnectionString);
                await connection.OpenAsync(ct);
                await using var command = new NpgsqlCommand("SELECT current_database()", connection);
                Assert.Equal(database.Name, await command.ExecuteScalarAsync(ct));
            }

            // Disposing a server it did not start leaves that server running.
            await using var stillThere = new NpgsqlConnection(fixture.Server.ConnectionString);
            await stillThere.OpenAsync(ct);
            return connectionString;
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    private static string NewVariableName() => "TT_TEST_SERVER_" + RandomNumberGenerator.GetHexString(8);
}
