using Npgsql;
using Trading.Timescale.IntegrationTests.Infrastructure;
using Trading.Timescale.Positions;

namespace Trading.Timescale.IntegrationTests.Positions;

public sealed class PositionConcurrencyTests(TimescaleServerFixture server) : TradingPositionsTest(server)
{
    [Fact]
    public async Task Twenty_concurrent_reductions_of_one_close_a_twenty_lot_exactly()
    {
        var opened = await Book.OpenAsync(new OpenPositionRequest("AAPL", 20m, 100.00m), Ct);
        var id = opened.Position.Id;

        // Reduction i sells 1 at 100 + 0.25 * i with a 0.10 fee: realizes 0.25 * i - 0.10; the sum over 1..20 is 52.50 - 2.00.
        var results = await Task.WhenAll(Enumerable.Range(1, 20).Select(i =>
            Task.Run(() => Book.ReduceAsync(id, new TradeFill(1m, 100m + (0.25m * i)) { Fees = 0.10m }, Ct), Ct)));

        var position = await Book.GetPositionAsync(id, Ct);
        Assert.Equal(0m, position!.Quantity);
        Assert.Equal(PositionStatus.Closed, position.Status);
        Assert.NotNull(position.ClosedAt);
        Assert.Equal(50.50m, position.RealizedPnl);
        Assert.Single(results, r => r.Trade.Kind == PositionTradeKind.Close);

        // The ledger shows the trades applied one after another: 19, 18, ..., 0 left after each.
        var trades = await Book.ListTradesAsync(id, Ct);
        Assert.Equal(21, trades.Count);
        Assert.Equal(Enumerable.Range(0, 20).Select(n => (decimal)(19 - n)), trades.Skip(1).Select(t => t.PositionQuantityAfter));
        Assert.Equal(PositionTradeKind.Close, trades[^1].Kind);
        Assert.All(trades.Skip(1).SkipLast(1), t => Assert.Equal(PositionTradeKind.Reduce, t.Kind));
        Assert.Equal(position.RealizedPnl, trades.Sum(t => t.RealizedPnl));
    }

    [Fact]
    public async Task Reductions_beyond_the_quantity_find_the_position_closed()
    {
        var opened = await Book.OpenAsync(new OpenPositionRequest("MSFT", -20m, 300.00m), Ct);
        var id = opened.Position.Id;

        var attempts = await Task.WhenAll(Enumerable.Range(1, 25).Select(i => Task.Run(async () =>
        {
            try
            {
                return (object)await Book.ReduceAsync(id, new TradeFill(1m, 300m - i), Ct);
            }
            catch (TradingPositionException ex)
            {
                return ex;
            }
        }, Ct)));

        var filled = attempts.OfType<PositionTradeResult>().ToList();
        var refused = attempts.OfType<TradingPositionException>().ToList();
        Assert.Equal(20, filled.Count);
        Assert.Equal(5, refused.Count);
        Assert.All(refused, ex =>
        {
            Assert.Equal(PositionErrorReason.Closed, ex.Reason);
            Assert.Equal(id, ex.PositionId);
        });

        // A short gains (300 - price) per unit bought back: i for each reduction that filled.
        var position = await Book.GetPositionAsync(id, Ct);
        Assert.Equal(PositionStatus.Closed, position!.Status);
        Assert.Equal(filled.Sum(f => 300m - f.Trade.Price), position.RealizedPnl);
        Assert.Equal(21, (await Book.ListTradesAsync(id, Ct)).Count);
    }

    [Fact]
    public async Task Concurrent_opens_of_one_instrument_leave_one_open_position()
    {
        var attempts = await Task.WhenAll(Enumerable.Range(1, 10).Select(i => Task.Run(async () =>
        {
            try
            {
                return (object)await Book.OpenAsync(new OpenPositionRequest("NVDA", 10m, 800m + i), Ct);
            }
            catch (TradingPositionException ex)
            {
                return ex;
            }
        }, Ct)));

        var winner = Assert.Single(attempts.OfType<PositionTradeResult>());
        var refused = attempts.OfType<TradingPositionException>().ToList();
        Assert.Equal(9, refused.Count);
        Assert.All(refused, ex =>
        {
            Assert.Equal(PositionErrorReason.AlreadyOpen, ex.Reason);
            Assert.Equal(winner.Position.Id, ex.PositionId);
        });
        Assert.Single(await Book.ListOpenPositionsAsync(cancellationToken: Ct));
    }

    [Fact]
    public async Task An_open_racing_an_uncommitted_open_is_refused_by_the_unique_index_and_names_the_winner()
    {
        // The other transaction's row is invisible to the book's check, so the book's INSERT waits on the index entry.
        await using var other = await DataSource.OpenConnectionAsync(Ct);
        await using var transaction = await other.BeginTransactionAsync(Ct);
        await using var insert = new NpgsqlCommand(
            "INSERT INTO trading.positions (symbol, instrument_type, quantity, average_cost) VALUES ('AMZN', 'STOCK', 5, 180) RETURNING id",
            other, transaction);
        var winnerId = (long)(await insert.ExecuteScalarAsync(Ct))!;

        var open = Book.OpenAsync(new OpenPositionRequest("AMZN", 7m, 181m), Ct);
        await WaitUntilBlockedAsync(other.ProcessID);
        Assert.False(open.IsCompleted);
        await transaction.CommitAsync(Ct);

        var ex = await Assert.ThrowsAsync<TradingPositionException>(() => open);
        Assert.Equal(PositionErrorReason.AlreadyOpen, ex.Reason);
        Assert.Equal(winnerId, ex.PositionId);
        Assert.Equal(
            $"Account 'default' already has OPEN position {winnerId} in AMZN (quantity 5 at average cost 180): " +
            $"add to it with AddAsync({winnerId}, ...), or close it before opening a new one.",
            ex.Message);
        Assert.Empty(await ReadTradeCountsAsync());
    }

    [Fact]
    public async Task Marks_running_alongside_trades_leave_unrealized_consistent()
    {
        await SetStockPriceAsync("AAPL", 101.50m, Start);
        var opened = await Book.OpenAsync(new OpenPositionRequest("AAPL", 20m, 100.00m), Ct);
        var id = opened.Position.Id;

        var reductions = Enumerable.Range(1, 10).Select(_ => Task.Run(() => Book.ReduceAsync(id, new TradeFill(1m, 101.00m), Ct), Ct));
        var marks = Enumerable.Range(1, 5).Select(_ => Task.Run(() => Book.MarkToMarketAsync(cancellationToken: Ct), Ct));
        await Task.WhenAll(reductions.Cast<Task>().Concat(marks));

        // 10 sold at 101 realize 10 * 1.00; the 10 left, marked at 101.50, carry (101.50 - 100) * 10 whichever ran last.
        var position = await Book.GetPositionAsync(id, Ct);
        Assert.Equal(10m, position!.Quantity);
        Assert.Equal(10.00m, position.RealizedPnl);
        Assert.Equal(101.50m, position.MarkPrice);
        Assert.Equal(15.00m, position.UnrealizedPnl);
    }

    private async Task<Dictionary<long, long>> ReadTradeCountsAsync()
    {
        await using var command = DataSource.CreateCommand("SELECT position_id, count(*) FROM trading.position_trades GROUP BY position_id");
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var counts = new Dictionary<long, long>();
        while (await reader.ReadAsync(Ct))
        {
            counts[reader.GetInt64(0)] = reader.GetInt64(1);
        }

        return counts;
    }

    /// <summary>Waits until some session of this database waits on a lock held by <paramref name="blockerPid"/>.</summary>
    private async Task WaitUntilBlockedAsync(int blockerPid)
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            await using var command = DataSource.CreateCommand(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND $1 = ANY (pg_blocking_pids(pid))");
            command.Parameters.AddWithValue(blockerPid);
            if ((long)(await command.ExecuteScalarAsync(Ct))! > 0)
            {
                return;
            }

            await Task.Delay(50, Ct);
        }

        Assert.Fail($"No session blocked on backend {blockerPid} within 10 s.");
    }
}
