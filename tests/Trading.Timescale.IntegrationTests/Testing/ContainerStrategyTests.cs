using System.Diagnostics;
using Npgsql;
using Trading.Timescale.Schema;
using Trading.Timescale.Testing;
using Trading.Timescale.Testing.Internal;

namespace Trading.Timescale.IntegrationTests.Testing;

/// <summary>The second strategy: a TimescaleDB container through Testcontainers, when a Docker engine answers.</summary>
public sealed class ContainerStrategyTests
{
    private static readonly TimescaleTestServerOptions ContainerOnly = new()
    {
        ConnectionStringVariable = null,
        UseLocalCluster = false,
    };

    [Fact]
    public async Task With_a_docker_engine_the_container_strategy_runs_the_timescaledb_image()
    {
        var ct = TestContext.Current.CancellationToken;
        var probe = await DockerEngineProbe.ProbeAsync(ContainerOnly.DockerProbeTimeout, ct);
        Assert.SkipUnless(probe.Available, $"The container strategy is not exercised here: {probe.Reason}.");

        await using var server = await TimescaleTestServer.StartAsync(ContainerOnly, ct);
        Assert.Equal(TimescaleTestServerKind.Container, server.Kind);
        Assert.Equal(TimescaleEdition.Community, server.Edition);
        Assert.Equal("2.19.3", server.ServerInfo.TimescaleVersion);
        Assert.Contains($"via Testcontainers ({TimescaleTestServerOptions.DefaultContainerImage})", server.Describe(), StringComparison.Ordinal);

        await using var database = await server.CreateDatabaseAsync("container", ct);
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand("SELECT extversion FROM pg_extension WHERE extname = 'timescaledb'", connection);
        Assert.Equal("2.19.3", await command.ExecuteScalarAsync(ct));
    }

    [Fact]
    public async Task Without_a_docker_engine_the_container_strategy_gives_up_at_once_and_says_why()
    {
        var ct = TestContext.Current.CancellationToken;
        var probe = await DockerEngineProbe.ProbeAsync(ContainerOnly.DockerProbeTimeout, ct);
        Assert.SkipWhen(probe.Available, $"A Docker engine answers ({probe.Endpoint}), so the no-Docker path cannot be observed here.");

        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => TimescaleTestServer.StartAsync(ContainerOnly, ct));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"detecting that no Docker engine answers took {clock.Elapsed}");
        Assert.Contains("no Docker engine", error.Message, StringComparison.Ordinal);
        Assert.Contains("Local cluster: not tried (UseLocalCluster is false).", error.Message, StringComparison.Ordinal);
        Assert.Contains("set TRADING_TIMESCALE_CONNECTION", error.Message, StringComparison.Ordinal);
        Assert.Contains("start a Docker engine", error.Message, StringComparison.Ordinal);
        Assert.Contains("scripts/ensure-timescaledb.sh", error.Message, StringComparison.Ordinal);
    }
}
