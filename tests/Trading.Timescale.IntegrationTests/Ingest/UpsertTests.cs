using NodaTime;
using Trading.Timescale.Ingest;
using Trading.Timescale.IntegrationTests.Infrastructure;

namespace Trading.Timescale.IntegrationTests.Ingest;

public sealed class UpsertTests(TimescaleServerFixture server) : IngestTest(server)
{
    private static readonly IngestOptions SmallBatches = IngestOptions.Default with { BatchSize = 700 };

    [Fact]
    public async Task Replaying_a_day_with_changed_values_leaves_one_row_per_key_with_the_newest_values()
    {
        const int Rows = 2_000;
        var first = await Ingest.UpsertAsync(MarketData.Bars(Rows, symbols: 20), SmallBatches, Ct);
        Assert.Equal((Rows, Rows, Rows), (first.RowsWritten, first.RowsChanged, first.RowsRead));

        var replay = await Ingest.UpsertAsync(MarketData.Bars(Rows, symbols: 20, priceShift: 1m), SmallBatches, Ct);
        var again = await Ingest.UpsertAsync(MarketData.Bars(Rows, symbols: 20, priceShift: 1m), SmallBatches, Ct);

        Assert.Equal(Rows, replay.RowsChanged);
        Assert.Equal(0, again.RowsChanged);
        Assert.Equal(Rows, again.RowsWritten);
        Assert.Equal((long)Rows, await ScalarAsync<long>("SELECT count(*) FROM trading.stock_prices"));
        Assert.Equal((long)Rows, await ScalarAsync<long>("SELECT count(DISTINCT (symbol, timestamp)) FROM trading.stock_prices"));
        var expectedOpen = MarketData.Bars(Rows, symbols: 20, priceShift: 1m).Sum(b => b.OpenPrice!.Value);
        Assert.Equal(expectedOpen, await ScalarAsync<decimal>("SELECT sum(open_price) FROM trading.stock_prices"));
        Assert.Equal(0L, await ScalarAsync<long>("SELECT count(*) FROM trading.stock_prices WHERE updated_at = created_at"));
        var latest = await Queries.GetLatestStockPricesAsync(cancellationToken: Ct);
        Assert.Equal(20, latest.Count);
        var newest = MarketData.Bars(Rows, symbols: 20, priceShift: 1m).TakeLast(20).OrderBy(b => b.Symbol, StringComparer.Ordinal).ToList();
        Assert.Equal(newest, latest.Select(l => l with { CreatedAt = null, UpdatedAt = null }).ToList());
    }

    [Fact]
    public async Task An_unchanged_replay_rewrites_nothing()
    {
        await Ingest.UpsertAsync(MarketData.Bars(500, symbols: 5), cancellationToken: Ct);
        var before = await RowsAsync("SELECT id, updated_at, xmin::text FROM trading.stock_prices ORDER BY id");

        var replay = await Ingest.UpsertAsync(MarketData.Bars(500, symbols: 5), cancellationToken: Ct);

        Assert.Equal(0, replay.RowsChanged);
        Assert.Equal(0, replay.LatestRowsChanged);
        Assert.Equal(before, await RowsAsync("SELECT id, updated_at, xmin::text FROM trading.stock_prices ORDER BY id"));
    }

    [Fact]
    public async Task When_a_key_appears_twice_in_one_call_the_later_row_wins_within_and_across_batches()
    {
        var bars = MarketData.Bars(1_000, symbols: 10).ToList();
        var input = new List<StockPrice>(bars);
        input.Insert(5, bars[2] with { Volume = 1 });
        input.Insert(6, bars[2] with { Volume = 2 });
        input.Add(bars[3] with { Volume = 3 });
        input.Add(bars[^1] with { Volume = 4 });

        var result = await Ingest.UpsertAsync(input, IngestOptions.Default with { BatchSize = 300 }, Ct);

        Assert.Equal(1_004, result.RowsWritten);
        Assert.Equal(1_000L, await ScalarAsync<long>("SELECT count(*) FROM trading.stock_prices"));
        Assert.Equal(2L, await ScalarAsync<long>("SELECT volume FROM trading.stock_prices WHERE symbol = $1 AND timestamp = $2", bars[2].Symbol, bars[2].Timestamp));
        Assert.Equal(3L, await ScalarAsync<long>("SELECT volume FROM trading.stock_prices WHERE symbol = $1 AND timestamp = $2", bars[3].Symbol, bars[3].Timestamp));
        Assert.Equal(4L, await ScalarAsync<long>("SELECT volume FROM trading.latest_stock_prices WHERE symbol = $1", bars[^1].Symbol));
    }

    [Fact]
    public async Task Upsert_into_an_empty_table_writes_what_append_writes()
    {
        var quotes = MarketData.Quotes(900, contracts: 30).ToList();

        await Ingest.UpsertAsync(AppendTests.ToAsync(quotes), SmallBatches, Ct);

        var read = await AppendTests.ToListAsync(Queries.ReadOptionQuotesAsync("U1", MarketData.Start, MarketData.Start + Duration.FromDays(1), Ct));
        var expected = quotes.Where(q => q.UnderlyingSymbol == "U1").OrderBy(q => q.Timestamp).ThenBy(q => q.OptionSymbol, StringComparer.Ordinal).ToList();
        Assert.Equal(expected, read.Select(q => q with { Id = null, CreatedAt = null, UpdatedAt = null }).ToList());
    }

    [Fact]
    public async Task Keys_with_nulls_are_equal_so_replays_of_signals_and_metrics_stay_unique()
    {
        var at = MarketData.Start;
        TradingSignal Signal(decimal confidence) => new() { Symbol = "AAPL", SignalType = SignalType.Buy, Confidence = confidence, Timestamp = at };
        PerformanceMetric Metric(double value) => new() { MetricName = "pnl", MetricValue = value, Timestamp = at };
        DataQualityCheck Check(DataQualityStatus status) => new() { CheckName = "gaps", TableName = "stock_prices", Status = status, Timestamp = at };
        SystemEvent Event(string message) => new() { EventType = "restart", Severity = EventSeverity.Info, Source = "feed", Message = message, Timestamp = at };

        await Ingest.UpsertAsync([Signal(0.5m)], cancellationToken: Ct);
        await Ingest.UpsertAsync([Signal(0.75m)], cancellationToken: Ct);
        await Ingest.UpsertAsync([Metric(1), Metric(2)], cancellationToken: Ct);
        await Ingest.UpsertAsync([Check(DataQualityStatus.Pass)], cancellationToken: Ct);
        await Ingest.UpsertAsync([Check(DataQualityStatus.Fail)], cancellationToken: Ct);
        await Ingest.UpsertAsync([Event("first"), Event("second")], cancellationToken: Ct);

        Assert.Equal(0.75m, await ScalarAsync<decimal>("SELECT confidence FROM trading.signals"));
        Assert.Equal(1L, await ScalarAsync<long>("SELECT count(*) FROM trading.signals"));
        Assert.Equal(2.0, await ScalarAsync<double>("SELECT metric_value FROM trading.performance_metrics"));
        Assert.Equal(1L, await ScalarAsync<long>("SELECT count(*) FROM trading.performance_metrics"));
        Assert.Equal("FAIL", await ScalarAsync<string>("SELECT string_agg(status, ',') FROM trading.data_quality"));
        Assert.Equal("second", await ScalarAsync<string>("SELECT string_agg(message, ',') FROM trading.system_events"));
    }

    [Fact]
    public async Task Instants_that_differ_below_a_microsecond_are_the_same_key()
    {
        var bar = MarketData.Bar(0, 1, MarketData.Start);
        StockPrice[] input = [bar with { Volume = 1 }, bar with { Timestamp = bar.Timestamp + Duration.FromNanoseconds(400), Volume = 2 }];

        var result = await Ingest.UpsertAsync(input, cancellationToken: Ct);

        Assert.Equal(1, result.RowsChanged);
        Assert.Equal(2L, await ScalarAsync<long>("SELECT volume FROM trading.stock_prices"));
    }

    [Fact]
    public async Task A_call_that_meets_existing_keys_mid_way_still_upserts_every_row()
    {
        var bars = MarketData.Bars(1_000, symbols: 10).ToList();
        await Ingest.AppendAsync(bars.Skip(500).Take(200).Select(b => b with { Volume = 1 }), cancellationToken: Ct);

        // Batches of 300: the first inserts new keys only; the second meets existing keys at row 501.
        var result = await Ingest.UpsertAsync(bars, IngestOptions.Default with { BatchSize = 300 }, Ct);

        Assert.Equal(1_000, result.RowsChanged);
        Assert.Equal(1_000L, await ScalarAsync<long>("SELECT count(*) FROM trading.stock_prices"));
        Assert.Equal(bars.Sum(b => b.Volume!.Value), await ScalarAsync<long>("SELECT sum(volume) FROM trading.stock_prices"));
    }

    [Fact]
    public async Task A_long_single_transaction_of_many_batches_upserts_every_row()
    {
        var bars = MarketData.Bars(400, symbols: 4).ToList();

        var result = await Ingest.UpsertAsync(bars, IngestOptions.Default with { BatchSize = 10 }, Ct);
        var replay = await Ingest.UpsertAsync(bars.Select(b => b with { Volume = b.Volume + 1 }), IngestOptions.Default with { BatchSize = 10 }, Ct);

        Assert.Equal((40, 400L, 400L), (result.Batches, result.RowsChanged, replay.RowsChanged));
        Assert.Equal(bars.Sum(b => b.Volume!.Value) + 400, await ScalarAsync<long>("SELECT sum(volume) FROM trading.stock_prices"));
    }
}
