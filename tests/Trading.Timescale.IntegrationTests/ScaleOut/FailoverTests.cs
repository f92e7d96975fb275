using System.Collections.Concurrent;
using System.Diagnostics;
using Npgsql;
using NodaTime;
using Trading.Timescale.IntegrationTests.Infrastructure;
using Trading.Timescale.IntegrationTests.Ingest;
using Trading.Timescale.Positions;
using Trading.Timescale.Queries;
using Trading.Timescale.ScaleOut;
using Trading.Timescale.ScaleOut.Internal;

namespace Trading.Timescale.IntegrationTests.ScaleOut;

/// <summary>
/// A primary that stops, and a standby promoted in its place, under one multi-host connection string. Each test has its
/// own pair of servers, since it stops the primary for good.
/// </summary>
public sealed class FailoverTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task With_the_primary_down_writes_fail_fast_naming_the_hosts_and_reads_keep_working_on_the_standby()
    {
        await using var servers = new ReplicatedServerFixture();
        await servers.InitializeAsync();
        var (_, multiHost) = await servers.CreateTradingDatabaseAsync("primary_down", Ct);
        await using var db = TradingDatabase.Create(multiHost);
        await db.Ingest.AppendAsync(MarketData.Bars(20, 1), cancellationToken: Ct);
        await servers.Standby.WaitForReplayAsync(Ct);
        var primaryPort = new NpgsqlConnectionStringBuilder(servers.Primary.ConnectionString).Port;

        await servers.Primary.StopServerAsync(Ct);

        var clock = Stopwatch.StartNew();
        var ingest = await Assert.ThrowsAsync<Trading.Timescale.Ingest.TradingIngestException>(
            () => db.Ingest.AppendAsync(MarketData.Bars(5, 1, MarketData.Start + Duration.FromHours(1)), cancellationToken: Ct));
        var noPrimary = Assert.IsType<NoPrimaryException>(ingest.InnerException);
        Assert.Equal([$"127.0.0.1:{primaryPort}", $"127.0.0.1:{servers.Standby.Port}"], noPrimary.HostsTried);
        Assert.Contains($"No primary server is reachable for writes: tried 127.0.0.1:{primaryPort}, 127.0.0.1:{servers.Standby.Port}", ingest.Message, StringComparison.Ordinal);
        var position = await Assert.ThrowsAsync<NoPrimaryException>(() => db.Positions.OpenAsync(new OpenPositionRequest("S000", 10m, 100m), Ct));
        Assert.Equal(noPrimary.HostsTried, position.HostsTried);
        var timeout = TimeSpan.FromSeconds(new NpgsqlConnectionStringBuilder(multiHost).Timeout);
        Assert.True(clock.Elapsed < timeout, $"two writes took {clock.Elapsed}, more than the connect timeout {timeout}");

        // The installer and the operations need the primary too, and say so the same way.
        var migrate = await Assert.ThrowsAsync<NoPrimaryException>(() => db.Schema.MigrateAsync(Ct));
        Assert.Equal(noPrimary.HostsTried, migrate.HostsTried);
        var maintain = await Assert.ThrowsAsync<NoPrimaryException>(() => db.Operations.GetStatsAsync(cancellationToken: Ct));
        Assert.Equal(noPrimary.HostsTried, maintain.HostsTried);

        // Reads: the standby still answers, with everything it replayed.
        Assert.Equal(20, (await db.Queries.Bars("S000", BarInterval.OneMinute).ToListAsync(Ct)).Count);
        await using (var connection = await ReadRouter.For(db.DataSource).OpenAsync(null, null, Ct))
        {
            Assert.Equal((servers.Standby.Port, true), await ServerIdentity.OfAsync(connection, Ct));
        }

        var status = await db.GetServersAsync(Ct);
        Assert.Equal([ServerRole.Unreachable, ServerRole.Standby], status.Select(s => s.Role));
    }

    [Fact]
    public async Task After_promotion_a_running_host_keeps_ingesting_into_the_new_primary_and_the_CLI_needs_no_new_connection_string()
    {
        await using var servers = new ReplicatedServerFixture();
        await servers.InitializeAsync();
        var (database, multiHost) = await servers.CreateTradingDatabaseAsync("promotion", Ct);
        await using var db = TradingDatabase.Create(multiHost);

        // A feed handler: one bar every 50 ms, whatever happens, until told to stop.
        var written = new ConcurrentQueue<(long Index, TimeSpan At)>();
        var failures = new ConcurrentQueue<Exception>();
        var clock = Stopwatch.StartNew();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var feed = Task.Run(async () =>
        {
            for (long i = 0; !stop.IsCancellationRequested; i++)
            {
                try
                {
                    await db.Ingest.AppendAsync([MarketData.Bar(i, 1, MarketData.Start)], cancellationToken: stop.Token);
                    written.Enqueue((i, clock.Elapsed));
                }
                catch (Exception ex) when (!stop.IsCancellationRequested)
                {
                    failures.Enqueue(ex);
                }

                await Task.Delay(50, CancellationToken.None);
            }
        }, CancellationToken.None);

        await WaitUntilAsync(() => written.Count >= 10, "ten bars before the failover");
        await servers.Primary.StopServerAsync(Ct);
        await servers.Standby.PromoteAsync(Ct);
        var promotedAt = clock.Elapsed;
        await WaitUntilAsync(() => written.Count(w => w.At > promotedAt) >= 10, "ten bars after the promotion");
        await stop.CancelAsync();
        await feed;

        var firstAfter = written.Where(w => w.At > promotedAt).Min(w => w.At) - promotedAt;
        Assert.True(firstAfter < TimeSpan.FromSeconds(15), $"the first write after the promotion came {firstAfter} later");
        Assert.All(failures, f => Assert.True(
            f.InnerException is NoPrimaryException or NpgsqlException or System.Net.Sockets.SocketException, $"unexpected failure: {f}"));

        // Every acknowledged bar is on the new primary, read there by identity.
        var onNewPrimary = servers.Standby.ConnectionStringFor(database.Name);
        Assert.Equal((servers.Standby.Port, false), await ServerIdentity.OfAsync(onNewPrimary, Ct));
        await using (var connection = await db.PrimaryDataSource.OpenConnectionAsync(Ct))
        {
            Assert.Equal((servers.Standby.Port, false), await ServerIdentity.OfAsync(connection, Ct));
        }

        await using (var connection = new NpgsqlConnection(onNewPrimary))
        {
            await connection.OpenAsync(Ct);
            await using var count = new NpgsqlCommand("SELECT count(*) FROM trading.stock_prices", connection);
            Assert.Equal((long)written.Count, (long)(await count.ExecuteScalarAsync(Ct))!);
        }

        // The CLI, with the same multi-host connection string: import writes to the new primary, bars and indicator read.
        var csv = Path.Combine(Path.GetTempPath(), $"failover-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(csv, "symbol,timestamp,close_price\nCLI,2026-05-04T13:30:00Z,10\nCLI,2026-05-04T13:31:00Z,11\n", Ct);
        try
        {
            var import = await CliRunner.RunAsync(["import", "stock_prices", "--file", csv, "--connection", multiHost]);
            Assert.True(import.ExitCode == 0, import.Error);
            var bars = await CliRunner.RunAsync(["bars", "CLI", "--interval", "1m", "--from", "2026-05-04T13:00:00Z", "--to", "2026-05-04T14:00:00Z", "--json", "--connection", multiHost]);
            Assert.True(bars.ExitCode == 0, bars.Error);
            Assert.Contains("11", bars.Output, StringComparison.Ordinal);
            var indicator = await CliRunner.RunAsync(["indicator", "rsi", "S000", "--interval", "1m", "--period", "3", "--json", "--connection", multiHost]);
            Assert.True(indicator.ExitCode == 0, indicator.Error);
            var status = await CliRunner.RunAsync(["status", "--json", "--connection", multiHost]);
            Assert.True(status.ExitCode == 0, status.Error);
            Assert.Contains("\"unreachable\"", status.Output, StringComparison.Ordinal);
            Assert.Contains("\"lag\"", status.Output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(csv);
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"waited a minute for {what}");
            await Task.Delay(50, Ct);
        }
    }
}
