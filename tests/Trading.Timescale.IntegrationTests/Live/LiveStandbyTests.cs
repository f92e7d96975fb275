using NodaTime;
using Trading.Timescale.IntegrationTests.ScaleOut;

namespace Trading.Timescale.IntegrationTests.Live;

/// <summary>A subscription over a multi-host connection string to a primary and a streaming standby whose replay lags.</summary>
public sealed class LiveStandbyTests(ReplicatedServerFixture fixture) : IClassFixture<ReplicatedServerFixture>
{
    private static readonly TimescaleInterval TwoMinutes = TimescaleInterval.FromMinutes(2);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Listening_on_the_primary_a_subscription_sees_rows_the_standby_has_not_replayed_and_goes_on_when_it_has()
    {
        var (database, multiHost) = await fixture.CreateTradingDatabaseAsync("livestandby", Ct);
        await using var _ = database;
        await using var trading = TradingDatabase.Create(multiHost);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var (bars, completion) = await LiveFeed.SubscribeAsync(
            trading.DataSource, live => live.Bars(["AAA"], TwoMinutes, cancellationToken: stop.Token), stop.Token, trading.PrimaryDataSource);

        // The standby's replay is paused: the pages that the notification asks for are read from the primary.
        await fixture.Standby.PauseReplayAsync(Ct);
        List<Trading.Timescale.Queries.Bar> paused;
        try
        {
            await trading.Ingest.AppendAsync(LiveFeed.Minutes(["AAA"], 0, 5), cancellationToken: Ct);
            paused = await LiveFeed.TakeAsync(bars, 2, TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(700));
        }
        finally
        {
            await fixture.Standby.ResumeReplayAsync(Ct);
        }

        await trading.Ingest.AppendAsync(LiveFeed.Minutes(["AAA"], 5, 2), cancellationToken: Ct);
        var resumed = await LiveFeed.TakeAsync(bars, 1, TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(700));
        Assert.Equal(
            [LiveFeed.Start, LiveFeed.Start + Duration.FromMinutes(2), LiveFeed.Start + Duration.FromMinutes(4)],
            paused.Concat(resumed).Select(b => b.Bucket));
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => completion);
    }
}
