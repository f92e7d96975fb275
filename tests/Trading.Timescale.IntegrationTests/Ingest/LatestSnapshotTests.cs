using NodaTime;
using Trading.Timescale.Ingest;
using Trading.Timescale.IntegrationTests.Infrastructure;

namespace Trading.Timescale.IntegrationTests.Ingest;

public sealed class LatestSnapshotTests(TimescaleServerFixture server) : IngestTest(server)
{
    /// <summary>The spec's "latest prices for all symbols" query.</summary>
    private const string SpecLatestPrices = """
        SELECT DISTINCT ON (symbol) symbol, timestamp, close_price, volume
        FROM trading.stock_prices
        ORDER BY symbol, timestamp DESC
        """;

    private const string SnapshotPrices = "SELECT symbol, timestamp, close_price, volume FROM trading.latest_stock_prices ORDER BY symbol";

    private const string SpecLatestQuotes = """
        SELECT DISTINCT ON (option_symbol) option_symbol, timestamp, bid_price, ask_price, last_price
        FROM trading.options_data
        ORDER BY option_symbol, timestamp DESC
        """;

    private const string SnapshotQuotes = "SELECT option_symbol, timestamp, bid_price, ask_price, last_price FROM trading.latest_option_quotes ORDER BY option_symbol";

    [Fact]
    public async Task The_stock_snapshot_equals_the_spec_query_after_appends_out_of_order_and_upserts()
    {
        var day = Duration.FromDays(1);
        await Ingest.AppendAsync(MarketData.Bars(3_000, symbols: 30, start: MarketData.Start + day), IngestOptions.Default with { BatchSize = 700 }, Ct);
        // An older day arriving late must not replace newer snapshot rows.
        await Ingest.AppendAsync(MarketData.Bars(3_000, symbols: 30), IngestOptions.Default with { TransactionMode = IngestTransactionMode.TransactionPerBatch, BatchSize = 1_000 }, Ct);
        // New symbols, and a replay of the newest day with changed prices.
        await Ingest.AppendAsync(MarketData.Bars(100, symbols: 40, start: MarketData.Start + day + day), cancellationToken: Ct);
        await Ingest.UpsertAsync(MarketData.Bars(100, symbols: 40, start: MarketData.Start + day + day, priceShift: 2m), cancellationToken: Ct);

        var spec = await RowsAsync(SpecLatestPrices);
        Assert.Equal(40, spec.Count);
        Assert.Equal(spec, await RowsAsync(SnapshotPrices));
        var typed = await Queries.GetLatestStockPricesAsync(cancellationToken: Ct);
        Assert.Equal(spec.Select(r => ((string)r[0]!, (decimal)r[2]!)), typed.Select(p => (p.Symbol, p.ClosePrice!.Value)));
    }

    [Fact]
    public async Task The_option_snapshot_equals_the_spec_query_and_serves_one_chain()
    {
        await Ingest.AppendAsync(MarketData.Quotes(2_000, contracts: 50, start: MarketData.Start + Duration.FromHours(2)), IngestOptions.Default with { BatchSize = 600 }, Ct);
        await Ingest.AppendAsync(MarketData.Quotes(2_000, contracts: 60), cancellationToken: Ct);

        var spec = await RowsAsync(SpecLatestQuotes);
        Assert.Equal(60, spec.Count);
        Assert.Equal(spec, await RowsAsync(SnapshotQuotes));
        var chain = await Queries.GetLatestOptionQuotesAsync("U3", Ct);
        Assert.Equal(12, chain.Count);
        Assert.All(chain, q => Assert.Equal("U3", q.UnderlyingSymbol));
        Assert.Equal(
            spec.Where(r => ((string)r[0]!).StartsWith("U3", StringComparison.Ordinal)).Select(r => ((string)r[0]!, (decimal)r[2]!)),
            chain.Select(q => (q.OptionSymbol, q.BidPrice!.Value)));
    }

    [Fact]
    public async Task Reading_chosen_symbols_returns_only_those_that_exist()
    {
        await Ingest.AppendAsync(MarketData.Bars(500, symbols: 50), cancellationToken: Ct);

        var latest = await Queries.GetLatestStockPricesAsync(["S007", "S003", "NOPE"], Ct);

        Assert.Equal(["S003", "S007"], latest.Select(p => p.Symbol));
        Assert.All(latest, p => Assert.Null(p.Id));
        Assert.Equal(MarketData.Start + Duration.FromMinutes(9), latest[0].Timestamp);
    }

    [Fact]
    public async Task Without_UpdateLatest_the_snapshot_is_left_alone_and_a_rebuild_recomputes_it()
    {
        await Ingest.AppendAsync(MarketData.Bars(1_000, symbols: 20), IngestOptions.Default with { UpdateLatest = false }, Ct);
        Assert.Equal(0L, await ScalarAsync<long>("SELECT count(*) FROM trading.latest_stock_prices"));

        var rebuilt = await Ingest.RebuildLatestAsync(cancellationToken: Ct);

        Assert.Equal(new LatestRebuildResult(20, 0), rebuilt);
        Assert.Equal(await RowsAsync(SpecLatestPrices), await RowsAsync(SnapshotPrices));
    }

    [Fact]
    public async Task A_rebuild_picks_up_rows_written_by_other_tools_and_drops_symbols_that_are_gone()
    {
        await Ingest.AppendAsync(MarketData.Bars(600, symbols: 6), cancellationToken: Ct);
        await Ingest.AppendAsync(MarketData.Quotes(300, contracts: 30), cancellationToken: Ct);
        await ExecuteAsync("""
            INSERT INTO trading.stock_prices (symbol, timestamp, close_price, volume)
            VALUES ('S001', '2026-05-20T15:00:00Z', 222.5, 5), ('ZZZ', '2026-05-20T15:00:00Z', 10, 1);
            DELETE FROM trading.stock_prices WHERE symbol = 'S005';
            """);

        var merged = await Ingest.RebuildLatestAsync(Instant.FromUtc(2026, 5, 20, 0, 0), Ct);
        Assert.Equal(new LatestRebuildResult(2, 0), merged);
        Assert.Equal(7L, await ScalarAsync<long>("SELECT count(*) FROM trading.latest_stock_prices"));
        Assert.Equal(222.5m, await ScalarAsync<decimal>("SELECT close_price FROM trading.latest_stock_prices WHERE symbol = 'S001'"));

        var rebuilt = await Ingest.RebuildLatestAsync(cancellationToken: Ct);

        Assert.Equal(new LatestRebuildResult(6, 30), rebuilt);
        Assert.Equal(await RowsAsync(SpecLatestPrices), await RowsAsync(SnapshotPrices));
        Assert.Equal(await RowsAsync(SpecLatestQuotes), await RowsAsync(SnapshotQuotes));
    }
}
