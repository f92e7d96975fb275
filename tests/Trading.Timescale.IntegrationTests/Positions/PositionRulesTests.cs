using NodaTime;
using Npgsql;
using Trading.Timescale.IntegrationTests.Infrastructure;
using Trading.Timescale.Positions;

namespace Trading.Timescale.IntegrationTests.Positions;

public sealed class PositionRulesTests(TimescaleServerFixture server) : TradingPositionsTest(server)
{
    [Fact]
    public async Task A_second_open_in_the_same_instrument_is_refused_and_names_the_open_position()
    {
        var first = await Book.OpenAsync(new OpenPositionRequest("AAPL", 100m, 150m), Ct);

        var ex = await Assert.ThrowsAsync<TradingPositionException>(() => Book.OpenAsync(new OpenPositionRequest("AAPL", -10m, 151m), Ct));
        Assert.Equal(PositionErrorReason.AlreadyOpen, ex.Reason);
        Assert.Equal(first.Position.Id, ex.PositionId);
        Assert.Equal(
            $"Account 'default' already has OPEN position {first.Position.Id} in AAPL (quantity 100 at average cost 150): " +
            $"add to it with AddAsync({first.Position.Id}, ...), or close it before opening a new one.",
            ex.Message);

        // Other accounts, option legs on the same underlying and distinct option symbols are other instruments.
        await Book.OpenAsync(new OpenPositionRequest("AAPL", 5m, 150m) { Account = "ira" }, Ct);
        var call = await Book.OpenAsync(new OpenPositionRequest("AAPL", 1m, 3m) { Option = Leg("AAPL260320C00150000", OptionType.Call, 150m) }, Ct);
        await Book.OpenAsync(new OpenPositionRequest("AAPL", 1m, 2m) { Option = Leg("AAPL260320P00150000", OptionType.Put, 150m) }, Ct);
        var optionEx = await Assert.ThrowsAsync<TradingPositionException>(() =>
            Book.OpenAsync(new OpenPositionRequest("AAPL", 1m, 3m) { Option = Leg("AAPL260320C00150000", OptionType.Call, 150m) }, Ct));
        Assert.Equal(call.Position.Id, optionEx.PositionId);
        Assert.Contains("in option AAPL260320C00150000 on AAPL", optionEx.Message, StringComparison.Ordinal);

        // Once closed, the instrument can be opened again as a new position.
        await Book.CloseAsync(first.Position.Id, 152m, cancellationToken: Ct);
        var reopened = await Book.OpenAsync(new OpenPositionRequest("AAPL", -10m, 151m), Ct);
        Assert.NotEqual(first.Position.Id, reopened.Position.Id);
        Assert.Equal(4, (await Book.ListOpenPositionsAsync(cancellationToken: Ct)).Count);
    }

    [Fact]
    public async Task The_partial_unique_index_refuses_a_second_open_row_written_directly()
    {
        await Book.OpenAsync(new OpenPositionRequest("TSLA", 10m, 200m), Ct);
        await using var insert = DataSource.CreateCommand(
            "INSERT INTO trading.positions (symbol, instrument_type, quantity, average_cost) VALUES ('TSLA', 'STOCK', 1, 1)");
        var ex = await Assert.ThrowsAsync<PostgresException>(() => insert.ExecuteNonQueryAsync(Ct));
        Assert.Equal(PostgresErrorCodes.UniqueViolation, ex.SqlState);
        Assert.Equal("positions_open_instrument_key", ex.ConstraintName);

        await using var closedRow = DataSource.CreateCommand(
            "INSERT INTO trading.positions (symbol, instrument_type, quantity, average_cost, status, closed_at) VALUES ('TSLA', 'STOCK', 0, 1, 'CLOSED', now())");
        Assert.Equal(1, await closedRow.ExecuteNonQueryAsync(Ct));
    }

    [Fact]
    public async Task A_reduce_beyond_zero_is_refused_and_changes_nothing()
    {
        var opened = await Book.OpenAsync(new OpenPositionRequest("AAPL", 20m, 100m), Ct);
        var id = opened.Position.Id;

        var ex = await Assert.ThrowsAsync<TradingPositionException>(() => Book.ReduceAsync(id, new TradeFill(30m, 101m), Ct));
        Assert.Equal(PositionErrorReason.WouldFlip, ex.Reason);
        Assert.Equal(
            $"Reduce quantity 30 exceeds the open quantity 20 of position {id} (long AAPL): a reduce cannot go beyond zero. " +
            $"Close position {id} and open a new short position for the remaining 10.",
            ex.Message);
        Assert.Equal(opened.Position, await Book.GetPositionAsync(id, Ct));
        Assert.Single(await Book.ListTradesAsync(id, Ct));
    }

    [Fact]
    public async Task Closed_missing_and_misdated_positions_are_refused_by_name()
    {
        var opened = await Book.OpenAsync(new OpenPositionRequest("AAPL", 1m, 100m), Ct);
        var id = opened.Position.Id;
        await Book.CloseAsync(id, 100m, cancellationToken: Ct);

        var closed = await Assert.ThrowsAsync<TradingPositionException>(() => Book.AddAsync(id, new TradeFill(1m, 100m), Ct));
        Assert.Equal(PositionErrorReason.Closed, closed.Reason);
        Assert.Equal(
            $"Position {id} (AAPL, account 'default') is CLOSED at {Start}: it takes no more trades; open a new position instead.",
            closed.Message);
        Assert.Equal(PositionErrorReason.Closed, (await Assert.ThrowsAsync<TradingPositionException>(() => Book.CloseAsync(id, 100m, cancellationToken: Ct))).Reason);

        var missing = await Assert.ThrowsAsync<TradingPositionException>(() => Book.ReduceAsync(987654, new TradeFill(1m, 1m), Ct));
        Assert.Equal((PositionErrorReason.NotFound, 987654L), (missing.Reason, missing.PositionId!.Value));
        Assert.Equal("Position 987654 does not exist in trading.positions.", missing.Message);
        Assert.Equal(PositionErrorReason.NotFound, (await Assert.ThrowsAsync<TradingPositionException>(() => Book.ListTradesAsync(987654, Ct))).Reason);
        Assert.Null(await Book.GetPositionAsync(987654, Ct));

        var open = await Book.OpenAsync(new OpenPositionRequest("MSFT", 1m, 100m), Ct);
        var early = Start - Duration.FromMinutes(1);
        var misdated = await Assert.ThrowsAsync<ArgumentException>(() =>
            Book.AddAsync(open.Position.Id, new TradeFill(1m, 100m) { ExecutedAt = early }, Ct));
        Assert.StartsWith(
            $"ExecutedAt {early} is before position {open.Position.Id} opened at {Start}: a trade cannot precede the opening trade.",
            misdated.Message);
    }

    [Fact]
    public async Task Invalid_arguments_are_refused_before_anything_is_written()
    {
        var zero = await Assert.ThrowsAsync<ArgumentException>(() => Book.OpenAsync(new OpenPositionRequest("AAPL", 0m, 100m), Ct));
        Assert.StartsWith("Quantity 0 is not allowed: a trade must buy or sell something", zero.Message);

        var call = await Book.OpenAsync(new OpenPositionRequest("AAPL", 2m, 3m) { Option = Leg("AAPL260320C00150000", OptionType.Call, 150m) }, Ct);
        var fractional = await Assert.ThrowsAsync<ArgumentException>(() => Book.ReduceAsync(call.Position.Id, new TradeFill(0.5m, 3m), Ct));
        Assert.StartsWith("Quantity 0.5 is not allowed for an option: contracts are traded in whole numbers.", fractional.Message);

        var negative = await Assert.ThrowsAsync<ArgumentException>(() => Book.CloseAsync(call.Position.Id, -1m, cancellationToken: Ct));
        Assert.StartsWith("price -1 is not allowed: prices are zero or more.", negative.Message);
        await Assert.ThrowsAsync<ArgumentException>(() => Book.ListOpenPositionsAsync("", Ct));

        Assert.Single(await Book.ListOpenPositionsAsync(cancellationToken: Ct));
        Assert.Single(await Book.ListTradesAsync(call.Position.Id, Ct));
    }
}
