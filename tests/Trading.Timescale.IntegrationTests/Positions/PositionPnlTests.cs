using NodaTime;
using Trading.Timescale.IntegrationTests.Infrastructure;
using Trading.Timescale.Positions;

namespace Trading.Timescale.IntegrationTests.Positions;

public sealed class PositionPnlTests(TimescaleServerFixture server) : TradingPositionsTest(server)
{
    [Fact]
    public async Task Long_stock_add_reduce_close_stores_hand_computed_pnl_and_a_full_ledger()
    {
        // Buy 100 @ 10.00 (fee 1), buy 50 @ 12.40 (0.50), sell 60 @ 11.50 (0.60), sell 90 @ 10.00 (0.90).
        // Average cost after the add: (1,000 + 620) / 150 = 10.80. Cash: 690 + 900 - 1,000 - 620 - 3.00 = -33.00.
        var signalAt = Start - Duration.FromMinutes(5);
        var opened = await Book.OpenAsync(
            new OpenPositionRequest("AAPL", 100m, 10.00m) { Fees = 1m, SignalId = 881, SignalTimestamp = signalAt, Notes = "breakout" }, Ct);
        var id = opened.Position.Id;
        Assert.Equal(InstrumentType.Stock, opened.Position.InstrumentType);
        Assert.Null(opened.Position.Option);
        Assert.Equal(1, opened.Position.Multiplier);
        Assert.Equal(PositionStatus.Open, opened.Position.Status);
        Assert.Equal(-1m, opened.Position.RealizedPnl);
        Assert.Equal((881L, signalAt), (opened.Position.SignalId!.Value, opened.Position.SignalTimestamp!.Value));
        Assert.Equal("breakout", opened.Position.Notes);
        Assert.Equal(Start, opened.Position.OpenedAt);
        Assert.Equal((PositionTradeKind.Open, TradeSide.Buy, 100m), (opened.Trade.Kind, opened.Trade.Side, opened.Trade.Quantity));

        Clock.Advance(Duration.FromMinutes(1));
        var added = await Book.AddAsync(id, new TradeFill(50m, 12.40m) { Fees = 0.50m }, Ct);
        Assert.Equal(150m, added.Position.Quantity);
        Assert.Equal(10.80m, added.Position.AverageCost);
        Assert.Equal(-1.50m, added.Position.RealizedPnl);

        Clock.Advance(Duration.FromMinutes(1));
        var reduced = await Book.ReduceAsync(id, new TradeFill(60m, 11.50m) { Fees = 0.60m, Notes = "trim" }, Ct);
        Assert.Equal(90m, reduced.Position.Quantity);
        Assert.Equal(41.40m, reduced.Trade.RealizedPnl);
        Assert.Equal(39.90m, reduced.Position.RealizedPnl);
        Assert.Equal(TradeSide.Sell, reduced.Trade.Side);

        Clock.Advance(Duration.FromMinutes(1));
        var closeAt = Clock.GetCurrentInstant();
        var closed = await Book.CloseAsync(id, 10.00m, fees: 0.90m, cancellationToken: Ct);
        Assert.Equal(PositionStatus.Closed, closed.Position.Status);
        Assert.Equal(0m, closed.Position.Quantity);
        Assert.Equal(closeAt, closed.Position.ClosedAt);
        Assert.Equal(-72.90m, closed.Trade.RealizedPnl);
        Assert.Equal(-33.00m, closed.Position.RealizedPnl);

        var stored = await Book.GetPositionAsync(id, Ct);
        Assert.Equal(closed.Position, stored);

        var trades = await Book.ListTradesAsync(id, Ct);
        Assert.Equal(
            [
                (PositionTradeKind.Open, TradeSide.Buy, 100m, 10.00m, 1.00m, -1.00m, 100m, 10.00m),
                (PositionTradeKind.Add, TradeSide.Buy, 50m, 12.40m, 0.50m, -0.50m, 150m, 10.80m),
                (PositionTradeKind.Reduce, TradeSide.Sell, 60m, 11.50m, 0.60m, 41.40m, 90m, 10.80m),
                (PositionTradeKind.Close, TradeSide.Sell, 90m, 10.00m, 0.90m, -72.90m, 0m, 10.80m),
            ],
            trades.Select(t => (t.Kind, t.Side, t.Quantity, t.Price, t.Fees, t.RealizedPnl, t.PositionQuantityAfter, t.AverageCostAfter)));
        Assert.Equal(closed.Position.RealizedPnl, trades.Sum(t => t.RealizedPnl));
        Assert.Equal([Start, Start + Duration.FromMinutes(1), Start + Duration.FromMinutes(2), closeAt], trades.Select(t => t.ExecutedAt));
        Assert.Equal("trim", trades[2].Notes);
        Assert.Empty(await Book.ListOpenPositionsAsync(cancellationToken: Ct));
    }

    [Fact]
    public async Task Short_stock_realizes_the_mirror_of_a_long()
    {
        // Sell 200 @ 50.25, sell 100 @ 51.00 (average 50.50), buy 150 @ 49.00 (+225), buy 150 @ 51.10 (-90): 135.00.
        var opened = await Book.OpenAsync(new OpenPositionRequest("MSFT", -200m, 50.25m) { Account = "short-book" }, Ct);
        Assert.Equal(TradeSide.Sell, opened.Trade.Side);
        var id = opened.Position.Id;

        var added = await Book.AddAsync(id, new TradeFill(100m, 51.00m), Ct);
        Assert.Equal((-300m, 50.50m, TradeSide.Sell), (added.Position.Quantity, added.Position.AverageCost, added.Trade.Side));

        var covered = await Book.ReduceAsync(id, new TradeFill(150m, 49.00m), Ct);
        Assert.Equal((-150m, 225m, TradeSide.Buy), (covered.Position.Quantity, covered.Trade.RealizedPnl, covered.Trade.Side));

        var closed = await Book.ReduceAsync(id, new TradeFill(150m, 51.10m), Ct);
        Assert.Equal(PositionTradeKind.Close, closed.Trade.Kind);
        Assert.Equal(PositionStatus.Closed, closed.Position.Status);
        Assert.Equal(-90m, closed.Trade.RealizedPnl);
        Assert.Equal(135m, closed.Position.RealizedPnl);
    }

    [Fact]
    public async Task Option_legs_use_multiplier_100_and_fees()
    {
        // Buy 3 calls @ 4.20 (fees 1.95), buy 2 @ 5.10 (1.30) => average 4.56; sell 4 @ 6.00 (2.60) => +573.40;
        // sell 1 @ 3.00 (0.65) => -156.65. Cash: 2,700 - 2,280 - 6.50 = 413.50.
        var leg = Leg("AAPL260320C00150000", OptionType.Call, 150m);
        var opened = await Book.OpenAsync(new OpenPositionRequest("AAPL", 3m, 4.20m) { Option = leg, Fees = 1.95m }, Ct);
        Assert.Equal(InstrumentType.Option, opened.Position.InstrumentType);
        Assert.Equal(leg, opened.Position.Option);
        Assert.Equal(100, opened.Position.Multiplier);
        var id = opened.Position.Id;

        Assert.Equal(4.56m, (await Book.AddAsync(id, new TradeFill(2m, 5.10m) { Fees = 1.30m }, Ct)).Position.AverageCost);
        Assert.Equal(573.40m, (await Book.ReduceAsync(id, new TradeFill(4m, 6.00m) { Fees = 2.60m }, Ct)).Trade.RealizedPnl);
        var closed = await Book.CloseAsync(id, 3.00m, 0.65m, cancellationToken: Ct);
        Assert.Equal(-156.65m, closed.Trade.RealizedPnl);
        Assert.Equal(413.50m, closed.Position.RealizedPnl);

        // A short put: sell 2 @ 1.50, buy back 2 @ 0.40 => (1.50 - 0.40) * 2 * 100 = 220.
        var put = Leg("AAPL260320P00140000", OptionType.Put, 140m);
        var shortPut = await Book.OpenAsync(new OpenPositionRequest("AAPL", -2m, 1.50m) { Option = put }, Ct);
        var bought = await Book.CloseAsync(shortPut.Position.Id, 0.40m, cancellationToken: Ct);
        Assert.Equal(TradeSide.Buy, bought.Trade.Side);
        Assert.Equal(220m, bought.Position.RealizedPnl);
    }

    [Fact]
    public async Task Average_cost_is_stored_to_four_decimals()
    {
        var opened = await Book.OpenAsync(new OpenPositionRequest("IBM", 1m, 10.00m), Ct);
        var added = await Book.AddAsync(opened.Position.Id, new TradeFill(2m, 10.01m), Ct);
        Assert.Equal(10.0067m, added.Position.AverageCost); // 30.02 / 3 = 10.00666...
        var closed = await Book.CloseAsync(opened.Position.Id, 10.02m, cancellationToken: Ct);
        Assert.Equal(0.0399m, closed.Position.RealizedPnl); // (10.02 - 10.0067) * 3
    }

    [Fact]
    public async Task Explicit_execution_times_become_opened_at_and_closed_at()
    {
        var executed = Start - Duration.FromHours(2);
        var opened = await Book.OpenAsync(new OpenPositionRequest("NVDA", 10m, 800m) { ExecutedAt = executed }, Ct);
        Assert.Equal(executed, opened.Position.OpenedAt);
        Assert.Equal(Start, opened.Position.CreatedAt);
        Assert.Equal(Start, opened.Trade.CreatedAt);

        var closedAt = executed + Duration.FromMinutes(30);
        var closed = await Book.CloseAsync(opened.Position.Id, 810m, executedAt: closedAt, notes: "target hit", cancellationToken: Ct);
        Assert.Equal(closedAt, closed.Position.ClosedAt);
        Assert.Equal("target hit", closed.Trade.Notes);
        Assert.Equal(100m, closed.Position.RealizedPnl);
    }
}
