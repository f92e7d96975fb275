using Trading.Timescale.IntegrationTests.Infrastructure;

namespace Trading.Timescale.IntegrationTests.Samples;

/// <summary>
/// Runs samples/WorkerService as its own process against the test database, checks its health endpoint and console
/// telemetry, stops it with SIGINT (Ctrl+C) and compares the rows it acknowledged with the rows in the table.
/// </summary>
public sealed class WorkerServiceShutdownTests(TimescaleServerFixture server) : DatabaseTest(server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Ctrl_c_stops_the_worker_with_every_acknowledged_batch_in_the_database()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS(), "SIGINT is sent with kill(1)");
        using var worker = await WorkerProcess.StartAsync(Database.ConnectionString);
        await worker.WaitForMoreBatchesAsync(5);
        var health = await worker.HealthAsync();
        Assert.True(health.Code == System.Net.HttpStatusCode.OK, health.Body);
        Assert.True(WorkerProcess.IsSound(health.CheckStatus, health.Description), health.Body);

        var acknowledged = await worker.InterruptAsync();

        Assert.Contains("trading_timescale.ingest.append", worker.Output, StringComparison.Ordinal);
        await using var count = DataSource.CreateCommand("SELECT count(*) FROM trading.stock_prices");
        Assert.True(acknowledged >= 40, $"acknowledged {acknowledged}");
        Assert.Equal(acknowledged, (long)(await count.ExecuteScalarAsync(Ct))!);
    }
}
