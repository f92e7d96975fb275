using NodaTime;
using Trading.Timescale.IntegrationTests.Infrastructure;

namespace Trading.Timescale.IntegrationTests.Live;

/// <summary>Subscriptions across a real server restart in immediate mode (a crash): nothing lost, nothing repeated.</summary>
public sealed class LiveRestartTests(RestartableServerFixture fixture) : RestartableServerTest(fixture, "liverestart")
{
    private static readonly TimescaleInterval TwoMinutes = TimescaleInterval.FromMinutes(2);
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(700);

    [Fact]
    public async Task Bar_and_signal_subscriptions_resume_after_a_server_restart_with_nothing_lost_or_repeated()
    {
        string[] symbols = ["AAA"];
        await using var trading = TradingDatabase.Create(Database.ConnectionString);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var (bars, barsDone) = await LiveFeed.SubscribeAsync(trading.DataSource, live => live.Bars(symbols, TwoMinutes, cancellationToken: stop.Token), stop.Token);
        var (signals, signalsDone) = await LiveFeed.SubscribeAsync(trading.DataSource, live => live.Signals(cancellationToken: stop.Token), stop.Token);

        // Before: buckets 0 and 2 complete, signal 0.
        await trading.Ingest.AppendAsync(LiveFeed.Minutes(symbols, 0, 5), cancellationToken: Ct);
        await trading.Ingest.WriteSignalAsync(Signal(0), Ct);
        var before = await LiveFeed.TakeAsync(bars, 2, Wait, TimeSpan.Zero);
        var signalsBefore = await LiveFeed.TakeAsync(signals, 1, Wait, TimeSpan.Zero);

        // Rows committed just before the crash (their notifications may never reach the subscription), then the crash.
        await trading.Ingest.AppendAsync(LiveFeed.Minutes(symbols, 5, 2), cancellationToken: Ct);
        await trading.Ingest.WriteSignalAsync(Signal(1), Ct);
        await Server.StopServerAsync(Ct);
        await Task.Delay(TimeSpan.FromSeconds(1), Ct);
        await Server.StartServerAsync(Ct);

        // After: written by a new connection once the server is back.
        await using (var writer = TradingDatabase.Create(Database.ConnectionString))
        {
            await writer.Ingest.AppendAsync(LiveFeed.Minutes(symbols, 7, 4), cancellationToken: Ct);
            await writer.Ingest.WriteSignalAsync(Signal(2), Ct);
        }

        var after = await LiveFeed.TakeAsync(bars, 3, Wait, Quiet);
        var signalsAfter = await LiveFeed.TakeAsync(signals, 2, Wait, Quiet);
        Assert.Equal(Enumerable.Range(0, 5).Select(i => LiveFeed.Start + Duration.FromMinutes(2 * i)), before.Concat(after).Select(b => b.Bucket));
        Assert.Equal([0, 1, 2], signalsBefore.Concat(signalsAfter).Select(s => (int)(s.Timestamp - LiveFeed.Start).TotalMinutes));
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => barsDone);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => signalsDone);
    }

    private static TradingSignal Signal(int minute) => new()
    {
        Symbol = "AAA",
        SignalType = SignalType.Buy,
        Confidence = 0.9m,
        ModelVersion = "m1",
        Timestamp = LiveFeed.Start + Duration.FromMinutes(minute),
    };
}
