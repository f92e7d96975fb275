using System.Text.Json.Nodes;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using NodaTime;
using Trading.Timescale.HealthChecks;
using Trading.Timescale.IntegrationTests.Infrastructure;
using Trading.Timescale.IntegrationTests.Ingest;
using Trading.Timescale.ScaleOut;

namespace Trading.Timescale.IntegrationTests.ScaleOut;

/// <summary>Roles and replication lag of every server, in the library, the CLI's status and stats, and the health check, with the standby's replay paused.</summary>
public sealed class ReplicationLagTests(ReplicatedServerFixture fixture) : IClassFixture<ReplicatedServerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private int PrimaryPort => new NpgsqlConnectionStringBuilder(fixture.Primary.ConnectionString).Port;

    [Fact]
    public async Task Every_server_is_listed_with_its_role_and_lag_and_a_paused_standby_shows_growing_lag_and_degrades_the_health_check()
    {
        var (database, multiHost) = await fixture.CreateTradingDatabaseAsync("lag", Ct);
        await using var _ = database;
        await using var db = TradingDatabase.Create(multiHost);
        var check = new TradingTimescaleHealthCheck(db, new TradingTimescaleHealthCheckOptions { MaxStandbyLag = TimeSpan.FromSeconds(1) });

        // The primary writes a little WAL now and then (a running-transactions record every 15 s): wait until the
        // standby has replayed everything, then read.
        var caughtUp = await EventuallyAsync(() => db.GetServersAsync(Ct), s => s.Count == 2 && s[1].Lag is { Bytes: 0 });
        Assert.Equal(2, caughtUp.Count);
        Assert.Equal(("127.0.0.1", PrimaryPort, ServerRole.Primary), (caughtUp[0].Host, caughtUp[0].Port, caughtUp[0].Role));
        Assert.Equal(("127.0.0.1", fixture.Standby.Port, ServerRole.Standby), (caughtUp[1].Host, caughtUp[1].Port, caughtUp[1].Role));
        var streaming = Assert.Single(caughtUp[0].Standbys);
        Assert.Equal("streaming", streaming.State);
        Assert.Equal("127.0.0.1", streaming.ClientAddress);
        Assert.Null(caughtUp[0].Lag);
        Assert.Equal(0L, caughtUp[1].Lag!.Bytes);
        Assert.Equal(0d, caughtUp[1].Lag!.Seconds);
        Assert.False(caughtUp[1].ReplayPaused);

        var healthy = await EventuallyAsync(
            () => check.CheckHealthAsync(new HealthCheckContext(), Ct),
            h => h.Data.TryGetValue($"server.127.0.0.1:{fixture.Standby.Port}", out var standbyData) && ((string)standbyData).Contains(", 0 bytes not replayed", StringComparison.Ordinal));
        Assert.Equal(HealthStatus.Healthy, healthy.Status);
        Assert.Equal("primary, 1 standby(s) streaming", healthy.Data[$"server.127.0.0.1:{PrimaryPort}"]);
        Assert.StartsWith("standby, lag 0 s, 0 bytes not replayed", (string)healthy.Data[$"server.127.0.0.1:{fixture.Standby.Port}"], StringComparison.Ordinal);

        await fixture.Standby.PauseReplayAsync(Ct);
        try
        {
            await db.Ingest.AppendAsync(MarketData.Bars(500, 5, MarketData.Start + Duration.FromDays(1)), cancellationToken: Ct);
            await Task.Delay(TimeSpan.FromSeconds(1.5), Ct);

            var lagging = await db.GetServersAsync(Ct);
            var standby = lagging[1];
            Assert.Equal(ServerRole.Standby, standby.Role);
            Assert.True(standby.ReplayPaused);
            Assert.True(standby.Lag!.Bytes > 0, $"bytes not replayed: {standby.Lag.Bytes}");
            Assert.True(standby.Lag.Seconds > 1.0, $"seconds since the last replay: {standby.Lag.Seconds}");
            var seenFromPrimary = Assert.Single(lagging[0].Standbys);
            Assert.True(seenFromPrimary.Lag.Bytes > 0, $"bytes behind seen from the primary: {seenFromPrimary.Lag.Bytes}");

            var degraded = await check.CheckHealthAsync(new HealthCheckContext(), Ct);
            Assert.Equal(HealthStatus.Degraded, degraded.Status);
            Assert.Contains($"standby 127.0.0.1:{fixture.Standby.Port} lags the primary by", degraded.Description, StringComparison.Ordinal);
            Assert.Contains("its replay is paused", degraded.Description, StringComparison.Ordinal);
            Assert.Contains("replay paused", (string)degraded.Data[$"server.127.0.0.1:{fixture.Standby.Port}"], StringComparison.Ordinal);

            // The CLI lists both servers with the same figures, under "servers" with "role" and "lag".
            foreach (var command in new[] { "status", "stats" })
            {
                var (exit, output, error) = await CliRunner.RunAsync([command, "--json", "--connection", multiHost]);
                Assert.True(exit == 0, $"{command}: {error}");
                var servers = JsonNode.Parse(output)!["servers"]!.AsArray();
                Assert.Equal(2, servers.Count);
                Assert.Equal("primary", (string?)servers[0]!["role"]);
                Assert.Equal(PrimaryPort, (int)servers[0]!["port"]!);
                Assert.Equal("standby", (string?)servers[1]!["role"]);
                Assert.Equal(fixture.Standby.Port, (int)servers[1]!["port"]!);
                Assert.True((double)servers[1]!["lag"]!["seconds"]! > 1.0, output);
                Assert.True((long)servers[1]!["lag"]!["bytes"]! > 0, output);
                Assert.True((bool)servers[1]!["replayPaused"]!);
                Assert.True((long)servers[0]!["standbys"]![0]!["lag"]!["bytes"]! > 0, output);
            }
        }
        finally
        {
            await fixture.Standby.ResumeReplayAsync(Ct);
        }

        await fixture.Standby.WaitForReplayAsync(Ct);
        Assert.Equal(HealthStatus.Healthy, (await check.CheckHealthAsync(new HealthCheckContext(), Ct)).Status);
    }

    [Fact]
    public async Task An_unreachable_host_is_listed_with_its_error_and_degrades_the_health_check()
    {
        var (database, multiHost) = await fixture.CreateTradingDatabaseAsync("unreachable", Ct);
        await using var _ = database;
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var closedPort = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var builder = new NpgsqlConnectionStringBuilder(multiHost) { Timeout = 3 };
        builder.Host += $",127.0.0.1:{closedPort}";
        await using var db = TradingDatabase.Create(builder.ConnectionString);

        var servers = await db.GetServersAsync(Ct);
        Assert.Equal([ServerRole.Primary, ServerRole.Standby, ServerRole.Unreachable], servers.Select(s => s.Role));
        Assert.Equal(closedPort, servers[2].Port);
        Assert.Contains("127.0.0.1", servers[2].Error, StringComparison.Ordinal);

        var result = await new TradingTimescaleHealthCheck(db).CheckHealthAsync(new HealthCheckContext(), Ct);
        Assert.Equal(HealthStatus.Degraded, result.Status);
        Assert.Contains($"server 127.0.0.1:{closedPort} cannot be reached", result.Description, StringComparison.Ordinal);
    }

    /// <summary>Calls <paramref name="read"/> until <paramref name="done"/> holds (at most 10 s), and returns the last value.</summary>
    private static async Task<T> EventuallyAsync<T>(Func<Task<T>> read, Func<T, bool> done)
    {
        var value = await read();
        for (var waited = 0; !done(value) && waited < 100; waited++)
        {
            await Task.Delay(100, Ct);
            value = await read();
        }

        return value;
    }
}
