using NodaTime;
using Npgsql;
using Trading.Timescale.IntegrationTests.Infrastructure;
using Trading.Timescale.IntegrationTests.Queries;
using Trading.Timescale.Live;

namespace Trading.Timescale.IntegrationTests.Live;

/// <summary>Subscriptions to bars, signals and events written by other connections, the library's ingest, SQL and psql.</summary>
public sealed class LiveTests(TimescaleServerFixture server) : QueryTest(server)
{
    private static readonly TimescaleInterval TwoMinutes = TimescaleInterval.FromMinutes(2);
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(700);

    [Fact]
    public async Task A_bar_subscription_yields_every_completed_bar_once_in_order_whoever_wrote_the_rows()
    {
        string[] symbols = ["AAA", "BBBB"];
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        await using var writer = TradingDatabase.Create(Database.ConnectionString);
        var (bars, completion) = await LiveFeed.SubscribeAsync(DataSource, live => live.Bars(symbols, TwoMinutes, cancellationToken: stop.Token), stop.Token);

        // Minutes 0-5 through the library (buckets 0, 2 and 4; 4 stays partial), 6-11 with psql \copy, 12 with plain SQL.
        await writer.Ingest.AppendAsync(LiveFeed.Minutes(symbols, 0, 6), cancellationToken: Ct);
        var first = await LiveFeed.TakeAsync(bars, 4, Wait, Quiet);
        await LiveFeed.CopyWithPsqlAsync(Database.ConnectionString, LiveFeed.Minutes(symbols, 6, 6), Ct);
        var second = await LiveFeed.TakeAsync(bars, 6, Wait, Quiet);
        await ExecuteAsync($"INSERT INTO trading.stock_prices (symbol, timestamp, close_price, volume) VALUES ('AAA', '{Iso(LiveFeed.Start + Duration.FromMinutes(12))}', 1, 1)");
        var third = await LiveFeed.TakeAsync(bars, 1, Wait, Quiet);

        // Every bar up to minute 12 but BBBB's last one, which no later row has completed.
        var expected = (await Queries.Bars(TwoMinutes).ForSymbols(symbols).Between(LiveFeed.Start, LiveFeed.Start + Duration.FromMinutes(12)).ToListAsync(Ct))
            .Where(b => !(b.Symbol == "BBBB" && b.Bucket == LiveFeed.Start + Duration.FromMinutes(10))).ToList();
        var received = first.Concat(second).Concat(third).ToList();
        Assert.Equal(11, expected.Count);
        Assert.Equal(expected.ToHashSet(), received.ToHashSet());
        Assert.Equal(received.Count, received.Distinct().Count());
        foreach (var symbol in symbols)
        {
            var times = received.Where(b => b.Symbol == symbol).Select(b => b.Bucket).ToList();
            Assert.Equal(times.Order(), times);
        }

        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => completion);
    }

    [Fact]
    public async Task A_bar_subscription_starts_at_the_moment_it_starts_and_resumes_from_stored_positions()
    {
        string[] symbols = ["CCC"];
        await Trading.Ingest.AppendAsync(LiveFeed.Minutes(symbols, 0, 5), cancellationToken: Ct);

        // Started now: bucket 4 completes afterwards (bars 0 and 2 were complete before).
        using (var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct))
        {
            var (bars, completion) = await LiveFeed.SubscribeAsync(DataSource, live => live.Bars(symbols, TwoMinutes, cancellationToken: stop.Token), stop.Token);
            await Trading.Ingest.AppendAsync(LiveFeed.Minutes(symbols, 5, 2), cancellationToken: Ct);
            var received = await LiveFeed.TakeAsync(bars, 1, Wait, Quiet);
            Assert.Equal(LiveFeed.Start + Duration.FromMinutes(4), Assert.Single(received).Bucket);
            await stop.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => completion);
        }

        // Resumed after bucket 0: buckets 2 and 4 (6 stays partial).
        using (var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct))
        {
            var options = new LiveBarOptions { After = new Dictionary<string, Instant> { ["CCC"] = LiveFeed.Start } };
            var (bars, completion) = await LiveFeed.SubscribeAsync(DataSource, live => live.Bars(symbols, TwoMinutes, options, stop.Token), stop.Token);
            var received = await LiveFeed.TakeAsync(bars, 2, Wait, Quiet);
            Assert.Equal([LiveFeed.Start + Duration.FromMinutes(2), LiveFeed.Start + Duration.FromMinutes(4)], received.Select(b => b.Bucket));
            await stop.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => completion);
        }
    }

    [Fact]
    public async Task A_grace_period_completes_a_bar_with_no_later_row()
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var options = new LiveBarOptions { GracePeriod = Duration.FromSeconds(1) };
        var (bars, completion) = await LiveFeed.SubscribeAsync(DataSource, live => live.Bars(["DDD"], TwoMinutes, options, stop.Token), stop.Token);

        // One row of a bucket that ended long ago and no row of a later bucket: complete by the grace period alone.
        await ExecuteAsync($"INSERT INTO trading.stock_prices (symbol, timestamp, close_price, volume) VALUES ('DDD', '{Iso(LiveFeed.Start)}', 10, 1)");
        var bar = Assert.Single(await LiveFeed.TakeAsync(bars, 1, Wait, Quiet));
        Assert.Equal((LiveFeed.Start, 10m), (bar.Bucket, bar.Close));
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => completion);
    }

    [Fact]
    public async Task Partial_bars_come_as_they_change_and_the_complete_bar_last()
    {
        // A bucket an hour ahead, so that neither the clock nor a grace period completes it during the test.
        var now = SystemClock.Instance.GetCurrentInstant();
        var width = NodaConstants.TicksPerMinute * 2;
        var bucket = Instant.FromUnixTimeTicks(now.ToUnixTimeTicks() / width * width) + Duration.FromHours(1);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var (bars, completion) = await LiveFeed.SubscribeAsync(DataSource, live => live.Bars(["DDE"], TwoMinutes, new LiveBarOptions { IncludePartial = true }, stop.Token), stop.Token);

        await ExecuteAsync($"INSERT INTO trading.stock_prices (symbol, timestamp, close_price, volume) VALUES ('DDE', '{Iso(bucket)}', 10, 1)");
        var first = Assert.Single(await LiveFeed.TakeAsync(bars, 1, Wait, Quiet));
        await ExecuteAsync($"INSERT INTO trading.stock_prices (symbol, timestamp, close_price, volume) VALUES ('DDE', '{Iso(bucket + Duration.FromSeconds(30))}', 11, 2)");
        var second = Assert.Single(await LiveFeed.TakeAsync(bars, 1, Wait, Quiet));
        await ExecuteAsync($"INSERT INTO trading.stock_prices (symbol, timestamp, close_price, volume) VALUES ('DDE', '{Iso(bucket + Duration.FromMinutes(2))}', 12, 4)");
        var last = await LiveFeed.TakeAsync(bars, 2, Wait, Quiet);

        Assert.Equal((bucket, 10m, 1L), (first.Bucket, first.Close, first.Volume));
        Assert.Equal((bucket, 11m, 3L), (second.Bucket, second.Close, second.Volume));
        Assert.Equal(second, last[0]);
        Assert.Equal((bucket + Duration.FromMinutes(2), 12m), (last[1].Bucket, last[1].Close));
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => completion);
    }

    [Fact]
    public async Task A_signal_subscription_yields_each_matching_signal_once_in_order_and_resumes_from_a_position()
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        await Trading.Ingest.WriteSignalAsync(Signal("OLD", 0, 0.9m), Ct);
        var filter = new LiveSignalFilter { MinimumConfidence = 0.5m, Types = [SignalType.Buy, SignalType.Sell] };
        var (signals, completion) = await LiveFeed.SubscribeAsync(DataSource, live => live.Signals(filter, stop.Token), stop.Token);

        await Trading.Ingest.AppendAsync([Signal("AAA", 1, 0.9m), Signal("BBB", 2, 0.4m), Signal("CCC", 3, 0.7m) with { SignalType = SignalType.Hold }], cancellationToken: Ct);
        await ExecuteAsync($"INSERT INTO trading.signals (symbol, signal_type, confidence, model_version, timestamp) VALUES ('DDD', 'SELL', 0.8, 'm1', '{Iso(LiveFeed.Start + Duration.FromMinutes(4))}')");
        await LiveFeed.CopyWithPsqlAsync(
            Database.ConnectionString, "trading.signals (symbol, signal_type, confidence, model_version, timestamp)", $"EEE,SELL,0.95,m2,{Iso(LiveFeed.Start + Duration.FromMinutes(5))}\nFFF,BUY,0.2,m2,{Iso(LiveFeed.Start + Duration.FromMinutes(6))}\n", Ct);
        var received = await LiveFeed.TakeAsync(signals, 3, Wait, Quiet);
        Assert.Equal(["AAA", "DDD", "EEE"], received.Select(s => s.Symbol));
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => completion);

        // Resumed after AAA: DDD and EEE again, nothing before them.
        using var again = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var (resumed, resumedCompletion) = LiveFeed.Drain(Trading.Live.Signals(filter with { After = LivePosition.Of(received[0]) }, again.Token), again.Token);
        Assert.Equal(["DDD", "EEE"], (await LiveFeed.TakeAsync(resumed, 2, Wait, Quiet)).Select(s => s.Symbol));
        await again.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => resumedCompletion);
    }

    [Fact]
    public async Task An_event_subscription_yields_events_at_or_above_the_minimum_severity()
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var (events, completion) = await LiveFeed.SubscribeAsync(DataSource, live => live.Events(EventSeverity.Warning, cancellationToken: stop.Token), stop.Token);
        foreach (var (severity, i) in new[] { EventSeverity.Info, EventSeverity.Error, EventSeverity.Debug, EventSeverity.Critical }.Select((s, i) => (s, i)))
        {
            await Trading.Ingest.WriteEventAsync(
                new SystemEvent { EventType = "test", Severity = severity, Source = "live", Message = severity.ToString(), Timestamp = SystemClock.Instance.GetCurrentInstant() + Duration.FromMilliseconds(i) }, Ct);
        }

        var received = await LiveFeed.TakeAsync(events, 2, Wait, Quiet);
        Assert.Equal([EventSeverity.Error, EventSeverity.Critical], received.Select(e => e.Severity));
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => completion);
    }

    [Fact]
    public async Task Cancelling_subscriptions_returns_their_connections_to_the_pool()
    {
        // A pool of two: a subscription that kept a connection after cancellation would exhaust it within a few rounds.
        var builder = new NpgsqlDataSourceBuilder(Database.ConnectionString + ";Maximum Pool Size=2;Timeout=5");
        builder.UseNodaTime();
        await using var dataSource = builder.Build();
        var live = new TradingLive(dataSource);
        for (var round = 0; round < 5; round++)
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            var (_, completion) = LiveFeed.Drain(live.Bars(["EEE"], TwoMinutes, cancellationToken: stop.Token), stop.Token);
            await Task.Delay(200, Ct);
            await stop.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => completion.WaitAsync(TimeSpan.FromSeconds(5), Ct));
        }

        await using var command = dataSource.CreateCommand("SELECT 1");
        Assert.Equal(1, await command.ExecuteScalarAsync(Ct));
    }

    [Fact]
    public async Task One_copy_of_many_rows_sends_one_small_notification()
    {
        await using var connection = await DataSource.OpenConnectionAsync(Ct);
        var payloads = new List<string>();
        connection.Notification += (_, e) => payloads.Add(e.Payload);
        await using (var listen = new NpgsqlCommand("LISTEN trading_live", connection))
        {
            await listen.ExecuteNonQueryAsync(Ct);
        }

        await Trading.Ingest.AppendAsync(LiveFeed.Minutes(["FFF", "GGG"], 0, 2000), cancellationToken: Ct);
        await using (var ping = new NpgsqlCommand("SELECT 1", connection))
        {
            await ping.ExecuteScalarAsync(Ct);
        }

        await connection.WaitAsync(TimeSpan.FromSeconds(2), Ct);
        var payload = Assert.Single(payloads);
        Assert.Equal("{\"table\" : \"stock_prices\", \"op\" : \"INSERT\"}", payload);
        Assert.Equal(12000L, (await RowsAsync("SELECT count(*) FROM trading.stock_prices"))[0][0]);
    }

    [Fact]
    public async Task No_insert_trigger_of_stock_prices_has_a_transition_table_so_copy_stays_batched()
    {
        // TimescaleDB copies a COPY into a hypertable row by row when an INSERT trigger has a transition table.
        var withTransitionTable = await RowsAsync("""
            SELECT t.tgname::text FROM pg_trigger AS t
            WHERE t.tgrelid = 'trading.stock_prices'::regclass AND NOT t.tgisinternal
              AND (t.tgtype & 4) <> 0 AND t.tgnewtable IS NOT NULL
            """);
        Assert.Empty(withTransitionTable);

        // An INSERT that writes no row still sends its one wake-up; the subscriber's read finds nothing new.
        await Trading.Ingest.AppendAsync(LiveFeed.Minutes(["HHH"], 0, 3), cancellationToken: Ct);
        await using var connection = await DataSource.OpenConnectionAsync(Ct);
        var payloads = new List<string>();
        connection.Notification += (_, e) => payloads.Add(e.Payload);
        await using (var listen = new NpgsqlCommand("LISTEN trading_live", connection))
        {
            await listen.ExecuteNonQueryAsync(Ct);
        }

        await ExecuteAsync("INSERT INTO trading.stock_prices (symbol, timestamp, close_price) SELECT symbol, timestamp, 1 FROM trading.stock_prices WHERE symbol = 'HHH' ON CONFLICT DO NOTHING");
        await connection.WaitAsync(TimeSpan.FromSeconds(2), Ct);
        Assert.Equal("{\"table\" : \"stock_prices\", \"op\" : \"INSERT\"}", Assert.Single(payloads));
        Assert.Equal(9L, (await RowsAsync("SELECT count(*) FROM trading.stock_prices WHERE symbol = 'HHH'"))[0][0]);
    }

    private static string Iso(Instant instant) => LiveFeed.Iso(instant);

    private static TradingSignal Signal(string symbol, int minute, decimal confidence) => new()
    {
        Symbol = symbol,
        SignalType = SignalType.Buy,
        Confidence = confidence,
        ModelVersion = "m1",
        Timestamp = LiveFeed.Start + Duration.FromMinutes(minute),
    };
}
