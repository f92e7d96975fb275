using Npgsql;
using NodaTime;
using Trading.Timescale.IntegrationTests.Ingest;
using Trading.Timescale.Queries;
using Trading.Timescale.ScaleOut;
using Trading.Timescale.ScaleOut.Internal;

namespace Trading.Timescale.IntegrationTests.ScaleOut;

/// <summary>
/// Reads and writes over one multi-host connection string to a primary and a streaming standby. Where a statement ran is
/// read from the server itself (<c>inet_server_port()</c>, <c>pg_is_in_recovery()</c>), or from what it sees while the
/// standby's replay is paused: a row only the primary has.
/// </summary>
public sealed class ReadRoutingTests(ReplicatedServerFixture fixture) : IClassFixture<ReplicatedServerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private int PrimaryPort => new NpgsqlConnectionStringBuilder(fixture.Primary.ConnectionString).Port;

    [Fact]
    public async Task Writes_go_to_the_primary_reads_to_the_standby_and_ReadFrom_changes_it_per_database_and_per_query()
    {
        var (database, multiHost) = await fixture.CreateTradingDatabaseAsync("routing", Ct);
        await using var _ = database;
        await using var db = TradingDatabase.Create(multiHost);
        Assert.IsType<NpgsqlMultiHostDataSource>(db.DataSource, exactMatch: false);
        Assert.Equal(ReadFrom.PreferStandby, db.Options.ReadFrom);
        Assert.Equal(TradingConnectionString.DefaultHostRecheckSeconds, new NpgsqlConnectionStringBuilder(db.DataSource.ConnectionString).HostRecheckSeconds);

        Assert.Equal((PrimaryPort, false), await IdentityAsync(db.PrimaryDataSource.OpenConnectionAsync(Ct)));
        Assert.Equal((fixture.Standby.Port, true), await IdentityAsync(ReadRouter.For(db.DataSource).OpenAsync(null, null, Ct)));
        Assert.Equal((PrimaryPort, false), await IdentityAsync(ReadRouter.For(db.DataSource).OpenAsync(ReadFrom.Primary, null, Ct)));
        Assert.Equal((fixture.Standby.Port, true), await IdentityAsync(ReadRouter.For(db.DataSource).OpenAsync(ReadFrom.Standby, null, Ct)));

        // Everything written before the pause is on both servers.
        var first = await db.Ingest.AppendAsync(MarketData.Bars(60, 1), cancellationToken: Ct);
        Assert.NotNull(first.CommitLsn);
        await fixture.Standby.WaitForReplayAsync(Ct);
        Assert.Equal(60, (await db.Queries.Bars("S000", BarInterval.OneMinute).ToListAsync(Ct)).Count);

        await fixture.Standby.PauseReplayAsync(Ct);
        try
        {
            var second = await db.Ingest.AppendAsync(MarketData.Bars(30, 1, MarketData.Start + Duration.FromHours(2)), cancellationToken: Ct);
            Assert.True(second.CommitLsn > first.CommitLsn, $"{second.CommitLsn} should follow {first.CommitLsn}");

            // The default (PreferStandby) runs on the paused standby, which lacks the new rows; the primary has them.
            Assert.Equal(60, (await db.Queries.Bars("S000", BarInterval.OneMinute).ToListAsync(Ct)).Count);
            Assert.Equal(60, await CountAsync(db.Queries.ReadStockPricesAsync("S000", MarketData.Start, MarketData.Start + Duration.FromDays(1), Ct)));
            Assert.Equal(90, (await db.Queries.Bars("S000", BarInterval.OneMinute).WithReadFrom(ReadFrom.Primary).ToListAsync(Ct)).Count);

            // Read-your-writes: the standby has not replayed the commit, so the query goes to the primary.
            Assert.Equal(90, (await db.Queries.Bars("S000", BarInterval.OneMinute).ReadYourWrites(second.CommitLsn).ToListAsync(Ct)).Count);
            Assert.Equal((PrimaryPort, false), await IdentityAsync(ReadRouter.For(db.DataSource).OpenAsync(null, second.CommitLsn, Ct)));
            // An older write the standby has replayed is read there.
            Assert.Equal((fixture.Standby.Port, true), await IdentityAsync(ReadRouter.For(db.DataSource).OpenAsync(null, first.CommitLsn, Ct)));

            // Per database: ReadFrom = Primary.
            await using var onPrimary = TradingDatabase.Create(multiHost, o => o.ReadFrom = ReadFrom.Primary);
            Assert.Equal(90, (await onPrimary.Queries.Bars("S000", BarInterval.OneMinute).ToListAsync(Ct)).Count);
            Assert.Equal(90, await CountAsync(onPrimary.Queries.ReadStockPricesAsync("S000", MarketData.Start, MarketData.Start + Duration.FromDays(1), Ct)));
        }
        finally
        {
            await fixture.Standby.ResumeReplayAsync(Ct);
        }

        await fixture.Standby.WaitForReplayAsync(Ct);
        var last = await db.Ingest.AppendAsync(MarketData.Bars(1, 1, MarketData.Start + Duration.FromHours(5)), cancellationToken: Ct);
        await fixture.Standby.WaitForReplayAsync(Ct);
        Assert.Equal((fixture.Standby.Port, true), await IdentityAsync(ReadRouter.For(db.DataSource).OpenAsync(null, last.CommitLsn, Ct)));
        Assert.Equal(91, (await db.Queries.Bars("S000", BarInterval.OneMinute).ReadYourWrites(last.CommitLsn).ToListAsync(Ct)).Count);
    }

    [Fact]
    public async Task MaxReplicaLag_sends_reads_to_the_primary_while_the_standby_lags_beyond_it()
    {
        var (database, multiHost) = await fixture.CreateTradingDatabaseAsync("max_lag", Ct);
        await using var _ = database;
        await using var bounded = TradingDatabase.Create(multiHost, o => o.MaxReplicaLag = TimeSpan.FromSeconds(1));
        await using var unbounded = TradingDatabase.Create(multiHost);
        await bounded.Ingest.AppendAsync(MarketData.Bars(10, 1), cancellationToken: Ct);
        await fixture.Standby.WaitForReplayAsync(Ct);
        Assert.Equal((fixture.Standby.Port, true), await IdentityAsync(ReadRouter.For(bounded.DataSource).OpenAsync(null, null, Ct)));

        await fixture.Standby.PauseReplayAsync(Ct);
        try
        {
            await bounded.Ingest.AppendAsync(MarketData.Bars(5, 1, MarketData.Start + Duration.FromHours(1)), cancellationToken: Ct);
            await Task.Delay(TimeSpan.FromSeconds(1.5), Ct);

            Assert.Equal((PrimaryPort, false), await IdentityAsync(ReadRouter.For(bounded.DataSource).OpenAsync(null, null, Ct)));
            Assert.Equal((PrimaryPort, false), await IdentityAsync(ReadRouter.For(bounded.DataSource).OpenAsync(ReadFrom.Standby, null, Ct)));
            Assert.Equal(15, (await bounded.Queries.Bars("S000", BarInterval.OneMinute).ToListAsync(Ct)).Count);
            // Without a limit the lagging standby still serves reads.
            Assert.Equal((fixture.Standby.Port, true), await IdentityAsync(ReadRouter.For(unbounded.DataSource).OpenAsync(null, null, Ct)));
            Assert.Equal(10, (await unbounded.Queries.Bars("S000", BarInterval.OneMinute).ToListAsync(Ct)).Count);
        }
        finally
        {
            await fixture.Standby.ResumeReplayAsync(Ct);
        }

        await fixture.Standby.WaitForReplayAsync(Ct);
        Assert.Equal((fixture.Standby.Port, true), await IdentityAsync(ReadRouter.For(bounded.DataSource).OpenAsync(null, null, Ct)));
    }

    private static async Task<(int Port, bool InRecovery)> IdentityAsync(ValueTask<NpgsqlConnection> opening)
    {
        await using var connection = await opening;
        return await ServerIdentity.OfAsync(connection, Ct);
    }

    private static async Task<int> CountAsync<T>(IAsyncEnumerable<T> rows)
    {
        var count = 0;
        await foreach (var _ in rows)
        {
            count++;
        }

        return count;
    }
}
