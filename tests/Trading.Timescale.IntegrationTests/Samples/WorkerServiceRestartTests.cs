using System.Net;
using Npgsql;
using Trading.Timescale.IntegrationTests.Infrastructure;

namespace Trading.Timescale.IntegrationTests.Samples;

/// <summary>
/// samples/WorkerService through real server faults on a cluster of this class: an immediate-mode restart
/// (<c>pg_ctl -m immediate restart</c>), then an immediate stop that lasts a few seconds and a start.
/// </summary>
public sealed class WorkerServiceRestartTests(RestartableServerFixture fixture) : RestartableServerTest(fixture, "worker", installSchema: false)
{
    [Fact]
    public async Task The_worker_survives_server_restarts_is_unhealthy_while_the_server_is_down_and_stores_every_acknowledged_row_once()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS(), "SIGINT is sent with kill(1)");
        using var worker = await WorkerProcess.StartAsync(Database.ConnectionString, "--Feed:RetryDelay", "00:00:01", "--TradingTimescale:Retry:MaxRetryTime", "00:00:03");
        await worker.WaitForMoreBatchesAsync(5);

        // An immediate restart: the feed goes on by itself.
        await Server.RestartServerAsync(Ct);
        await worker.WaitForMoreBatchesAsync(5);

        // An immediate stop: the health check says Unhealthy and no batch is acknowledged while the server is down.
        await Server.StopServerAsync(Ct);
        var down = await worker.WaitForHealthAsync(HttpStatusCode.ServiceUnavailable);
        Assert.Equal(("Unhealthy", "Unhealthy"), (down.Status, down.CheckStatus));
        var acknowledgedWhileDown = worker.Acknowledged;
        await worker.WaitForAsync(() => worker.Lines.Any(l => l.Contains("Database unavailable; the feed waits", StringComparison.Ordinal)) ? "ok" : null);
        await Task.Delay(TimeSpan.FromSeconds(2), Ct);
        Assert.Equal(acknowledgedWhileDown, worker.Acknowledged);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await worker.HealthAsync()).Code);

        // Started again: the same process resumes and reports healthy.
        await Server.StartServerAsync(Ct);
        await worker.WaitForMoreBatchesAsync(5);
        var up = await worker.HealthAsync();
        Assert.True(WorkerProcess.IsSound(up.CheckStatus, up.Description), up.Body);

        var acknowledged = await worker.InterruptAsync();

        await using var dataSource = NpgsqlDataSource.Create(Database.ConnectionString);
        await using var count = dataSource.CreateCommand("SELECT count(*), count(DISTINCT (symbol, timestamp)) FROM trading.stock_prices");
        await using var reader = await count.ExecuteReaderAsync(Ct);
        await reader.ReadAsync(Ct);
        Assert.True(acknowledged >= 15 * 8, $"acknowledged {acknowledged}");
        Assert.Equal((acknowledged, acknowledged), (reader.GetInt64(0), reader.GetInt64(1)));
        Assert.Contains(worker.Lines, l => l.Contains("Retrying ingest.append", StringComparison.Ordinal));
    }
}
