using NodaTime;
using Trading.Timescale.IntegrationTests.Infrastructure;
using Trading.Timescale.Positions;

namespace Trading.Timescale.IntegrationTests.Positions;

public sealed class MarkToMarketTests(TimescaleServerFixture server) : TradingPositionsTest(server)
{
    private static readonly Instant StockTime = Start - Duration.FromMinutes(1);
    private static readonly Instant QuoteTime = Start - Duration.FromSeconds(30);

    [Fact]
    public async Task Marks_stocks_to_close_and_options_to_mid_or_last_and_reports_the_rest_unmarked()
    {
        var p = await OpenAlphaBookAsync();

        var result = await Book.MarkToMarketAsync("alpha", Ct);

        var marked = result.Marked.ToDictionary(m => m.Position.Id);
        Assert.Equal([p.Aapl, p.Msft, p.AaplCall, p.AaplPut, p.SpyCall, p.QqqCall], result.Marked.Select(m => m.Position.Id));
        AssertMark(marked[p.Aapl], MarkSource.StockClose, 155.25m, 525.00m, StockTime);      // (155.25 - 150) * 100
        AssertMark(marked[p.Msft], MarkSource.StockClose, 390.10m, 495.00m, StockTime);      // (390.10 - 400) * -50
        AssertMark(marked[p.AaplCall], MarkSource.OptionMid, 3.50m, 100.00m, QuoteTime);     // mid(3.40, 3.60); (3.50 - 3) * 2 * 100
        AssertMark(marked[p.AaplPut], MarkSource.OptionLast, 2.05m, -15.00m, QuoteTime);     // bid > ask: last; (2.05 - 2) * -3 * 100
        AssertMark(marked[p.SpyCall], MarkSource.OptionMid, 1.2348m, 23.48m, QuoteTime);     // mid 1.23475 rounds half away from zero
        AssertMark(marked[p.QqqCall], MarkSource.OptionLast, 5.10m, 10.00m, QuoteTime);      // no ask: last
        Assert.All(result.Marked, m => Assert.Equal(Start, m.Position.UpdatedAt));

        Assert.Equal(
            [
                (p.Tsla, "no row for TSLA in trading.latest_stock_prices"),
                (p.Amd, "trading.latest_stock_prices has no close_price for AMD"),
                (p.NflxCall, "trading.latest_option_quotes has no usable price for NFLX260320C00600000: bid 3 and ask 2.5 give no mid " +
                    "(both are needed, with bid <= ask) and last_price is null"),
                (p.MetaCall, "no row for META260320C00500000 in trading.latest_option_quotes"),
            ],
            result.Unmarked.Select(u => (u.Position.Id, u.Reason)));
        Assert.All(result.Unmarked, u => Assert.Null(u.Position.MarkPrice));

        // Unmarked positions stay unvalued in the table, not zero; the other account and the closed position are untouched.
        var tsla = await Book.GetPositionAsync(p.Tsla, Ct);
        Assert.Null(tsla!.UnrealizedPnl);
        Assert.Null(tsla.MarkedAt);
        Assert.Null((await Book.GetPositionAsync(p.BetaAapl, Ct))!.MarkPrice);
        Assert.Null((await Book.GetPositionAsync(p.ClosedGoog, Ct))!.MarkPrice);
    }

    [Fact]
    public async Task Portfolio_summary_adds_up_exposure_realized_and_unrealized_by_symbol()
    {
        var p = await OpenAlphaBookAsync();
        await Book.MarkToMarketAsync("alpha", Ct);

        var summary = await Book.GetPortfolioSummaryAsync("alpha", Ct);

        // Market values: AAPL 15,525; MSFT -19,505; AAPL call 700; AAPL put -615; SPY call 123.48; QQQ call 510.
        Assert.Equal("alpha", summary.Account);
        Assert.Equal(Start, summary.GeneratedAt);
        Assert.Equal(10, summary.OpenPositions);
        Assert.Equal(36_978.48m, summary.GrossExposure);
        Assert.Equal(-3_261.52m, summary.NetExposure);
        Assert.Equal(100.00m, summary.RealizedPnl);          // the closed GOOG position: (110 - 100) * 10
        Assert.Equal(1_138.48m, summary.UnrealizedPnl);      // 525 + 495 + 100 - 15 + 23.48 + 10
        Assert.Equal(1_238.48m, summary.TotalPnl);
        Assert.Equal([p.Tsla, p.Amd, p.NflxCall, p.MetaCall], summary.UnmarkedPositions.Select(u => u.Id));

        Assert.Equal(
            [
                new PortfolioSymbolSummary("AAPL", 3, 0, 16_840.00m, 15_610.00m, 0m, 610.00m),
                new PortfolioSymbolSummary("AMD", 1, 1, 0m, 0m, 0m, 0m),
                new PortfolioSymbolSummary("GOOG", 0, 0, 0m, 0m, 100.00m, 0m),
                new PortfolioSymbolSummary("META", 1, 1, 0m, 0m, 0m, 0m),
                new PortfolioSymbolSummary("MSFT", 1, 0, 19_505.00m, -19_505.00m, 0m, 495.00m),
                new PortfolioSymbolSummary("NFLX", 1, 1, 0m, 0m, 0m, 0m),
                new PortfolioSymbolSummary("QQQ", 1, 0, 510.00m, 510.00m, 0m, 10.00m),
                new PortfolioSymbolSummary("SPY", 1, 0, 123.48m, 123.48m, 0m, 23.48m),
                new PortfolioSymbolSummary("TSLA", 1, 1, 0m, 0m, 0m, 0m),
            ],
            summary.BySymbol);

        // All accounts: beta's AAPL position is open and was never marked.
        var all = await Book.GetPortfolioSummaryAsync(cancellationToken: Ct);
        Assert.Null(all.Account);
        Assert.Equal(11, all.OpenPositions);
        Assert.Equal(summary.GrossExposure, all.GrossExposure);
        Assert.Equal([p.Tsla, p.Amd, p.NflxCall, p.MetaCall, p.BetaAapl], all.UnmarkedPositions.Select(u => u.Id));
        Assert.Equal(
            [p.Aapl, p.AaplCall, p.AaplPut, p.Amd, p.MetaCall, p.Msft, p.NflxCall, p.QqqCall, p.SpyCall, p.Tsla, p.BetaAapl],
            (await Book.ListOpenPositionsAsync(cancellationToken: Ct)).Select(x => x.Id));
    }

    [Fact]
    public async Task Trades_keep_unrealized_in_step_with_the_mark_and_a_new_mark_replaces_it()
    {
        await SetStockPriceAsync("AAPL", 155.25m, StockTime);
        var opened = await Book.OpenAsync(new OpenPositionRequest("AAPL", 100m, 150.00m), Ct);
        await Book.MarkToMarketAsync(cancellationToken: Ct);

        var added = await Book.AddAsync(opened.Position.Id, new TradeFill(100m, 160.00m), Ct);
        Assert.Equal(155.00m, added.Position.AverageCost);
        Assert.Equal(155.25m, added.Position.MarkPrice);
        Assert.Equal(50.00m, added.Position.UnrealizedPnl); // (155.25 - 155) * 200

        var later = StockTime + Duration.FromMinutes(5);
        await SetStockPriceAsync("AAPL", 154.00m, later);
        var result = await Book.MarkToMarketAsync(cancellationToken: Ct);
        var mark = Assert.Single(result.Marked);
        AssertMark(mark, MarkSource.StockClose, 154.00m, -200.00m, later); // (154 - 155) * 200

        var closed = await Book.CloseAsync(opened.Position.Id, 154.00m, cancellationToken: Ct);
        Assert.Equal(0m, closed.Position.UnrealizedPnl);
        Assert.Equal(-200.00m, closed.Position.RealizedPnl);
        Assert.Empty((await Book.MarkToMarketAsync(cancellationToken: Ct)).Marked);
    }

    [Fact]
    public async Task A_reduce_values_the_rest_at_the_mark_and_an_unmarked_position_stays_unvalued()
    {
        await SetStockPriceAsync("AAPL", 21.00m, StockTime);
        var marked = await Book.OpenAsync(new OpenPositionRequest("AAPL", 100m, 20.00m), Ct);
        await Book.MarkToMarketAsync(cancellationToken: Ct);
        var unmarked = await Book.OpenAsync(new OpenPositionRequest("TSLA", 100m, 20.00m), Ct);

        var reduced = await Book.ReduceAsync(marked.Position.Id, new TradeFill(40m, 21.00m), Ct);
        var added = await Book.AddAsync(unmarked.Position.Id, new TradeFill(1m, 20.00m), Ct);
        await SetStockPriceAsync("AAPL", 20.0002m, StockTime + Duration.FromMinutes(1));
        var half = await Book.OpenAsync(new OpenPositionRequest("AAPL", -0.5m, 20.0001m) { Account = "short" }, Ct);
        await Book.MarkToMarketAsync("short", Ct);

        Assert.Equal(60.00m, reduced.Position.UnrealizedPnl); // (21 - 20) * 60
        Assert.Null(added.Position.UnrealizedPnl);
        // (20.0002 - 20.0001) * -0.5 = -0.00005, rounded half away from zero to the column's 4 places.
        Assert.Equal(-0.0001m, (await Book.GetPositionAsync(half.Position.Id, Ct))!.UnrealizedPnl);
    }

    [Fact]
    public async Task A_position_whose_price_disappears_keeps_its_last_mark_and_is_reported_unmarked()
    {
        await SetStockPriceAsync("AMD", 101.00m, StockTime);
        var opened = await Book.OpenAsync(new OpenPositionRequest("AMD", 10m, 100.00m), Ct);
        Assert.Single((await Book.MarkToMarketAsync(cancellationToken: Ct)).Marked);

        await SetStockPriceAsync("AMD", null, StockTime + Duration.FromMinutes(1));
        var result = await Book.MarkToMarketAsync(cancellationToken: Ct);

        Assert.Empty(result.Marked);
        var unmarked = Assert.Single(result.Unmarked);
        Assert.Equal("trading.latest_stock_prices has no close_price for AMD", unmarked.Reason);
        Assert.Equal((101.00m, 10.00m, StockTime), (unmarked.Position.MarkPrice!.Value, unmarked.Position.UnrealizedPnl!.Value, unmarked.Position.MarkedAt!.Value));
        Assert.Equal(opened.Position.Id, unmarked.Position.Id);
    }

    private static void AssertMark(PositionMark mark, MarkSource source, decimal price, decimal unrealized, Instant markedAt)
    {
        Assert.Equal(source, mark.Source);
        Assert.Equal(price, mark.Position.MarkPrice);
        Assert.Equal(unrealized, mark.Position.UnrealizedPnl);
        Assert.Equal(markedAt, mark.Position.MarkedAt);
    }

    private async Task<AlphaBook> OpenAlphaBookAsync()
    {
        await SetStockPriceAsync("AAPL", 155.25m, StockTime);
        await SetStockPriceAsync("MSFT", 390.10m, StockTime);
        await SetStockPriceAsync("AMD", null, StockTime);
        await SetStockPriceAsync("GOOG", 120.00m, StockTime);
        await SetOptionQuoteAsync("AAPL260320C00150000", "AAPL", 3.40m, 3.60m, 3.55m, QuoteTime);
        await SetOptionQuoteAsync("AAPL260320P00140000", "AAPL", 2.10m, 2.00m, 2.05m, QuoteTime);
        await SetOptionQuoteAsync("SPY260320C00600000", "SPY", 1.2345m, 1.2350m, null, QuoteTime);
        await SetOptionQuoteAsync("QQQ260320C00500000", "QQQ", 4.90m, null, 5.10m, QuoteTime);
        await SetOptionQuoteAsync("NFLX260320C00600000", "NFLX", 3.00m, 2.50m, null, QuoteTime);

        async Task<long> Open(string symbol, decimal quantity, decimal price, OptionLeg? leg = null, string account = "alpha") =>
            (await Book.OpenAsync(new OpenPositionRequest(symbol, quantity, price) { Account = account, Option = leg }, Ct)).Position.Id;

        var book = new AlphaBook(
            Aapl: await Open("AAPL", 100m, 150.00m),
            Msft: await Open("MSFT", -50m, 400.00m),
            AaplCall: await Open("AAPL", 2m, 3.00m, Leg("AAPL260320C00150000", OptionType.Call, 150m)),
            AaplPut: await Open("AAPL", -3m, 2.00m, Leg("AAPL260320P00140000", OptionType.Put, 140m)),
            SpyCall: await Open("SPY", 1m, 1.00m, Leg("SPY260320C00600000", OptionType.Call, 600m)),
            QqqCall: await Open("QQQ", 1m, 5.00m, Leg("QQQ260320C00500000", OptionType.Call, 500m)),
            Tsla: await Open("TSLA", 10m, 200.00m),
            Amd: await Open("AMD", 10m, 100.00m),
            NflxCall: await Open("NFLX", 1m, 2.00m, Leg("NFLX260320C00600000", OptionType.Call, 600m)),
            MetaCall: await Open("META", 1m, 2.00m, Leg("META260320C00500000", OptionType.Call, 500m)),
            ClosedGoog: await Open("GOOG", 10m, 100.00m),
            BetaAapl: await Open("AAPL", 10m, 100.00m, account: "beta"));
        await Book.CloseAsync(book.ClosedGoog, 110.00m, cancellationToken: Ct);
        return book;
    }

    private sealed record AlphaBook(
        long Aapl, long Msft, long AaplCall, long AaplPut, long SpyCall, long QqqCall,
        long Tsla, long Amd, long NflxCall, long MetaCall, long ClosedGoog, long BetaAapl);
}
