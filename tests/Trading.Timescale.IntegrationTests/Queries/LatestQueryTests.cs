using NodaTime;
using NodaTime.Text;
using Trading.Timescale.IntegrationTests.Infrastructure;

namespace Trading.Timescale.IntegrationTests.Queries;

public sealed class LatestQueryTests(TimescaleServerFixture server) : QueryTest(server)
{
    private static Instant At(string iso) => InstantPattern.ExtendedIso.Parse(iso).Value;

    [Fact]
    public async Task As_of_reads_each_symbols_last_bar_at_or_before_the_instant_also_for_rows_of_other_tools()
    {
        await ExecuteAsync("""
            INSERT INTO trading.stock_prices (symbol, timestamp, close_price, volume) VALUES
            ('AAA', '2026-03-02T10:00:00Z', 1, 10), ('AAA', '2026-03-02T11:00:00Z', 2, 20), ('AAA', '2026-03-02T12:00:00Z', 3, 30),
            ('BBB', '2026-03-02T09:00:00Z', 4, 40)
            """);
        var asOf = At("2026-03-02T11:00:00Z");

        var all = await Queries.LatestPrices(asOf).ToListAsync(Ct);
        var some = await Queries.LatestPrices(asOf).ForSymbols("AAA", "NOPE").ToListAsync(Ct);
        var recent = await Queries.LatestPrices(asOf).Within(Duration.FromHours(1)).ToListAsync(Ct);
        var snapshotBefore = await Queries.GetLatestStockPricesAsync(cancellationToken: Ct);
        await Trading.Ingest.RebuildLatestAsync(cancellationToken: Ct);
        var snapshotAfter = await Queries.GetLatestStockPricesAsync(cancellationToken: Ct);

        Assert.Equal([("AAA", At("2026-03-02T11:00:00Z"), 2m), ("BBB", At("2026-03-02T09:00:00Z"), 4m)], all.Select(p => (p.Symbol, p.Timestamp, p.ClosePrice!.Value)));
        Assert.Equal(("AAA", 2m), (Assert.Single(some).Symbol, some[0].ClosePrice!.Value));
        Assert.Equal("AAA", Assert.Single(recent).Symbol);
        Assert.Empty(snapshotBefore);
        Assert.Equal([("AAA", 3m), ("BBB", 4m)], snapshotAfter.Select(p => (p.Symbol, p.ClosePrice!.Value)));
        Assert.NotNull(all[0].Id);
    }
}
