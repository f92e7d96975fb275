using NodaTime;
using Trading.Timescale.Positions;
using Trading.Timescale.Positions.Internal;

namespace Trading.Timescale.Tests.Positions;

public class TradePlannerTests
{
    private static readonly Instant Opened = Instant.FromUtc(2026, 3, 2, 14, 30);

    [Fact]
    public void Long_stock_add_reduce_close_matches_the_cash_flows()
    {
        // Buy 100 @ 10.00 (fee 1), buy 50 @ 12.40 (fee 0.50), sell 60 @ 11.50 (fee 0.60), sell 90 @ 10.00 (fee 0.90).
        // Cash: sold 690 + 900, bought 1000 + 620, fees 3.00 => -33.00.
        var open = TradePlanner.Open(100m, 10.00m, 1m);
        Assert.Equal((TradeSide.Buy, 100m, 10.00m, -1m), (open.Side, open.QuantityAfter, open.AverageCostAfter, open.RealizedPnl));

        var position = Apply(Stock(), open);
        var add = TradePlanner.Add(position, 50m, 12.40m, 0.50m);
        Assert.Equal(PositionTradeKind.Add, add.Kind);
        Assert.Equal(TradeSide.Buy, add.Side);
        Assert.Equal(150m, add.QuantityAfter);
        Assert.Equal(10.8m, add.AverageCostAfter); // (100 * 10.00 + 50 * 12.40) / 150
        Assert.Equal(-0.50m, add.RealizedPnl);
        Assert.Equal(-1.50m, add.PositionRealizedPnlAfter);

        position = Apply(position, add);
        var reduce = TradePlanner.Reduce(position, 60m, 11.50m, 0.60m);
        Assert.Equal(PositionTradeKind.Reduce, reduce.Kind);
        Assert.Equal(TradeSide.Sell, reduce.Side);
        Assert.Equal(41.40m, reduce.RealizedPnl); // (11.50 - 10.80) * 60 - 0.60
        Assert.Equal(39.90m, reduce.PositionRealizedPnlAfter);
        Assert.Equal(90m, reduce.QuantityAfter);
        Assert.Equal(10.8m, reduce.AverageCostAfter);

        position = Apply(position, reduce);
        var close = TradePlanner.Close(position, 10.00m, 0.90m);
        Assert.Equal(PositionTradeKind.Close, close.Kind);
        Assert.True(close.Closes);
        Assert.Equal(90m, close.Quantity);
        Assert.Equal(-72.90m, close.RealizedPnl); // (10.00 - 10.80) * 90 - 0.90
        Assert.Equal(-33.00m, close.PositionRealizedPnlAfter);
        Assert.Equal(0m, close.QuantityAfter);
    }

    [Fact]
    public void Short_stock_realizes_the_mirror_of_a_long()
    {
        // Sell 200 @ 50.25, sell 100 @ 51.00, buy 150 @ 49.00, buy 150 @ 51.10.
        // Cash: sold 10,050 + 5,100, bought 7,350 + 7,665 => 135.00.
        var position = Apply(Stock(), TradePlanner.Open(-200m, 50.25m, 0m));
        var add = TradePlanner.Add(position, 100m, 51.00m, 0m);
        Assert.Equal(TradeSide.Sell, add.Side);
        Assert.Equal(-300m, add.QuantityAfter);
        Assert.Equal(50.5m, add.AverageCostAfter);

        position = Apply(position, add);
        var reduce = TradePlanner.Reduce(position, 150m, 49.00m, 0m);
        Assert.Equal(TradeSide.Buy, reduce.Side);
        Assert.Equal(-150m, reduce.QuantityAfter);
        Assert.Equal(225m, reduce.RealizedPnl); // (50.50 - 49.00) * 150

        position = Apply(position, reduce);
        var close = TradePlanner.Close(position, 51.10m, 0m);
        Assert.Equal(-90m, close.RealizedPnl); // (50.50 - 51.10) * 150
        Assert.Equal(135m, close.PositionRealizedPnlAfter);
    }

    [Fact]
    public void Option_pnl_uses_the_multiplier_and_fees()
    {
        // Buy 3 calls @ 4.20 (fees 1.95), buy 2 @ 5.10 (1.30), sell 4 @ 6.00 (2.60), sell 1 @ 3.00 (0.65), multiplier 100.
        // Cash: (24 + 3) * 100 - (12.60 + 10.20) * 100 - 6.50 = 413.50.
        var position = Apply(Option(), TradePlanner.Open(3m, 4.20m, 1.95m));
        var add = TradePlanner.Add(position, 2m, 5.10m, 1.30m);
        Assert.Equal(4.56m, add.AverageCostAfter);

        position = Apply(position, add);
        var reduce = TradePlanner.Reduce(position, 4m, 6.00m, 2.60m);
        Assert.Equal(573.40m, reduce.RealizedPnl); // (6.00 - 4.56) * 4 * 100 - 2.60

        position = Apply(position, reduce);
        var close = TradePlanner.Close(position, 3.00m, 0.65m);
        Assert.Equal(-156.65m, close.RealizedPnl); // (3.00 - 4.56) * 1 * 100 - 0.65
        Assert.Equal(413.50m, close.PositionRealizedPnlAfter);
    }

    [Fact]
    public void Average_cost_is_kept_to_four_decimals_and_later_pnl_uses_the_stored_value()
    {
        var position = Apply(Stock(), TradePlanner.Open(1m, 10.00m, 0m));
        var add = TradePlanner.Add(position, 2m, 10.01m, 0m);
        Assert.Equal(10.0067m, add.AverageCostAfter); // 30.02 / 3 = 10.00666...

        var close = TradePlanner.Close(Apply(position, add), 10.02m, 0m);
        Assert.Equal(0.0399m, close.RealizedPnl); // (10.02 - 10.0067) * 3; exact lots would give 0.04
    }

    [Fact]
    public void A_reduce_beyond_zero_is_refused_with_the_quantities_and_what_to_do()
    {
        var position = Apply(Stock() with { Id = 42 }, TradePlanner.Open(20m, 100m, 0m));
        var ex = Assert.Throws<TradingPositionException>(() => TradePlanner.Reduce(position, 30m, 101m, 0m));
        Assert.Equal(PositionErrorReason.WouldFlip, ex.Reason);
        Assert.Equal(42, ex.PositionId);
        Assert.Equal(
            "Reduce quantity 30 exceeds the open quantity 20 of position 42 (long AAPL): a reduce cannot go beyond zero. " +
            "Close position 42 and open a new short position for the remaining 10.",
            ex.Message);
    }

    [Fact]
    public void A_closed_position_takes_no_trades()
    {
        var closed = Stock() with { Id = 7, Quantity = 0m, Status = PositionStatus.Closed, ClosedAt = Opened };
        var ex = Assert.Throws<TradingPositionException>(() => TradePlanner.Add(closed, 1m, 10m, 0m));
        Assert.Equal(PositionErrorReason.Closed, ex.Reason);
        Assert.StartsWith("Position 7 (AAPL, account 'default') is CLOSED at 2026-03-02T14:30:00Z", ex.Message);
        Assert.Equal(PositionErrorReason.Closed, Assert.Throws<TradingPositionException>(() => TradePlanner.Close(closed, 10m, 0m)).Reason);
    }

    [Fact]
    public void Option_trades_are_whole_contracts()
    {
        var position = Apply(Option(), TradePlanner.Open(3m, 4.20m, 0m));
        var ex = Assert.Throws<ArgumentException>(() => TradePlanner.Add(position, 1.5m, 4.20m, 0m));
        Assert.StartsWith("Quantity 1.5 is not allowed for an option: contracts are traded in whole numbers.", ex.Message);
    }

    [Fact]
    public void Pnl_beyond_the_column_range_is_refused()
    {
        var position = Apply(Stock(), TradePlanner.Open(10_000_000_000m, 0m, 0m));
        var ex = Assert.Throws<ArgumentException>(() => TradePlanner.Reduce(position, 10_000_000_000m, 99_999_999m, 0m));
        Assert.Contains("beyond the numeric(18,4) range", ex.Message, StringComparison.Ordinal);
    }

    private static Position Stock() => new()
    {
        Id = 1,
        Account = "default",
        Symbol = "AAPL",
        InstrumentType = InstrumentType.Stock,
        Multiplier = 1,
        Quantity = 0m,
        AverageCost = 0m,
        Status = PositionStatus.Open,
        RealizedPnl = 0m,
        OpenedAt = Opened,
    };

    private static Position Option() => Stock() with
    {
        InstrumentType = InstrumentType.Option,
        Option = new OptionLeg("AAPL260320C00150000", OptionType.Call, 150m, new LocalDate(2026, 3, 20)),
        Multiplier = 100,
    };

    private static Position Apply(Position position, TradePlan plan) => position with
    {
        Quantity = plan.QuantityAfter,
        AverageCost = plan.AverageCostAfter,
        RealizedPnl = plan.PositionRealizedPnlAfter,
    };
}
