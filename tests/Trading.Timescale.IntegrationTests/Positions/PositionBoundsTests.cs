using Trading.Timescale.IntegrationTests.Infrastructure;
using Trading.Timescale.Positions;

namespace Trading.Timescale.IntegrationTests.Positions;

public sealed class PositionBoundsTests(TimescaleServerFixture server) : TradingPositionsTest(server)
{
    [Fact]
    public async Task A_multiplier_beyond_the_bound_is_refused_naming_it_and_nothing_is_written()
    {
        var ex = await Assert.ThrowsAsync<ArgumentException>(() =>
            Book.OpenAsync(new OpenPositionRequest("ES", 10_000_000_000m, 99_999_999m) { Multiplier = 2_000_000_000 }, Ct));

        Assert.Equal("Multiplier", ex.ParamName);
        Assert.StartsWith("Multiplier 2000000000 is too large: use 1 to 1000000", ex.Message, StringComparison.Ordinal);
        Assert.Empty(await Book.ListOpenPositionsAsync(cancellationToken: Ct));
    }

    [Fact]
    public async Task Trades_too_large_for_the_table_are_refused_with_a_clear_error_never_an_overflow()
    {
        var open = await Book.OpenAsync(new OpenPositionRequest("ES", 10_000_000m, 1m) { Multiplier = 1_000_000 }, Ct);

        var reduce = await Record.ExceptionAsync(() => Book.ReduceAsync(open.Position.Id, new TradeFill(5_000_000m, 99_999_999m), Ct));
        var close = await Record.ExceptionAsync(() => Book.CloseAsync(open.Position.Id, 99_999_999m, cancellationToken: Ct));
        var add = await Record.ExceptionAsync(() => Book.AddAsync(open.Position.Id, new TradeFill(99_999_999_999_999m, 1m), Ct));

        Assert.All([reduce, close, add], e => Assert.IsType<ArgumentException>(e));
        Assert.Contains($"realized_pnl of the trade of position {open.Position.Id}", reduce!.Message, StringComparison.Ordinal);
        Assert.Contains("beyond the numeric(18,4) range", close!.Message, StringComparison.Ordinal);
        Assert.Contains("is too large", add!.Message, StringComparison.Ordinal);
        var unchanged = await Book.GetPositionAsync(open.Position.Id, Ct);
        Assert.Equal((10_000_000m, PositionStatus.Open), (unchanged!.Quantity, unchanged.Status));
        Assert.Single(await Book.ListTradesAsync(open.Position.Id, Ct));
    }

    [Fact]
    public async Task A_position_whose_unrealized_pnl_overflows_is_reported_unmarked_and_the_others_are_marked()
    {
        var small = await Book.OpenAsync(new OpenPositionRequest("AAPL", 100m, 150m), Ct);
        var huge = await Book.OpenAsync(new OpenPositionRequest("BRK", 90_000_000_000m, 1m) { Multiplier = 100 }, Ct);
        await SetStockPriceAsync("AAPL", 155m, Start);
        await SetStockPriceAsync("BRK", 700_000m, Start);

        var result = await Book.MarkToMarketAsync(cancellationToken: Ct);

        var marked = Assert.Single(result.Marked);
        Assert.Equal((small.Position.Id, 155m, 500m), (marked.Position.Id, marked.Position.MarkPrice, marked.Position.UnrealizedPnl));
        var unmarked = Assert.Single(result.Unmarked);
        Assert.Equal(huge.Position.Id, unmarked.Position.Id);
        Assert.Equal(
            "trading.latest_stock_prices prices BRK at 700000, which makes the unrealized P&L 6299991000000000000 " +
            "(beyond the numeric(18,4) range of trading.positions.unrealized_pnl); the position keeps its earlier mark",
            unmarked.Reason);
        Assert.Null((await Book.GetPositionAsync(huge.Position.Id, Ct))!.MarkPrice);
    }

    [Fact]
    public async Task A_trade_whose_unrealized_pnl_at_the_mark_overflows_is_refused_and_nothing_is_written()
    {
        var open = await Book.OpenAsync(new OpenPositionRequest("NVDA", 1_000_000m, 1m), Ct);
        await SetStockPriceAsync("NVDA", 100_000m, Start);
        Assert.Single((await Book.MarkToMarketAsync(cancellationToken: Ct)).Marked); // (100000 - 1) * 1000000 fits

        // (100000 - 1.0001) * 9001000000 is about 9 * 10^14, beyond numeric(18,4).
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => Book.AddAsync(open.Position.Id, new TradeFill(9_000_000_000m, 1.0001m), Ct));

        Assert.StartsWith(
            $"The trade would make the unrealized_pnl of position {open.Position.Id} at its mark 100000 (quantity 9001000000, average cost 1.0001, " +
            "multiplier 1) beyond the numeric(18,4) range of trading.positions; check price and quantity.",
            ex.Message,
            StringComparison.Ordinal);
        var unchanged = await Book.GetPositionAsync(open.Position.Id, Ct);
        Assert.Equal((1_000_000m, 1m, 99_999_000_000m), (unchanged!.Quantity, unchanged.AverageCost, unchanged.UnrealizedPnl));
        Assert.Single(await Book.ListTradesAsync(open.Position.Id, Ct));
    }

    [Fact]
    public async Task Text_with_a_nul_character_is_refused_before_it_reaches_the_server()
    {
        var notes = await Assert.ThrowsAsync<ArgumentException>(() =>
            Book.OpenAsync(new OpenPositionRequest("AAPL", 1m, 1m) { Notes = "bought\0on dip" }, Ct));
        var account = await Assert.ThrowsAsync<ArgumentException>(() =>
            Book.OpenAsync(new OpenPositionRequest("AAPL", 1m, 1m) { Account = "ira\0" }, Ct));
        var optionSymbol = await Assert.ThrowsAsync<ArgumentException>(() =>
            Book.OpenAsync(new OpenPositionRequest("AAPL", 1m, 1m) { Option = Leg("AAPL\u0000C150", OptionType.Call, 150m) }, Ct));
        var open = await Book.OpenAsync(new OpenPositionRequest("AAPL", 2m, 1m), Ct);
        var fillNotes = await Assert.ThrowsAsync<ArgumentException>(() =>
            Book.AddAsync(open.Position.Id, new TradeFill(1m, 1m) { Notes = "\0" }, Ct));
        var closeNotes = await Assert.ThrowsAsync<ArgumentException>(() =>
            Book.CloseAsync(open.Position.Id, 1m, notes: "x\0", cancellationToken: Ct));

        Assert.Equal("Notes contains a NUL character (U+0000) at index 6, which PostgreSQL text cannot store; remove it.", notes.Message.Split(" (Parameter")[0]);
        Assert.Equal(("Notes", "Account", "Option.OptionSymbol", "Notes", "notes"),
            (notes.ParamName, account.ParamName, optionSymbol.ParamName, fillNotes.ParamName, closeNotes.ParamName));
        Assert.Single(await Book.ListTradesAsync(open.Position.Id, Ct));
    }
}
