using Trading.Timescale.Ingest;
using Trading.Timescale.IntegrationTests.Infrastructure;

namespace Trading.Timescale.IntegrationTests.Ingest;

public sealed class CancellationTests(TimescaleServerFixture server) : IngestTest(server)
{
    /// <summary>Bars that cancel <paramref name="source"/> when row <paramref name="cancelAt"/> (from 1) is produced.</summary>
    private static IEnumerable<StockPrice> CancellingBars(long count, long cancelAt, CancellationTokenSource source)
    {
        long n = 0;
        foreach (var row in MarketData.Bars(count, symbols: 10))
        {
            if (++n == cancelAt)
            {
                source.Cancel();
            }

            yield return row;
        }
    }

    [Fact]
    public async Task Cancelling_mid_stream_with_a_transaction_per_batch_leaves_exactly_the_committed_batches()
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var ex = await Assert.ThrowsAsync<IngestCanceledException>(() => Ingest.AppendAsync(CancellingBars(10_000, 2_500, cts),
            IngestOptions.Default with { BatchSize = 1_000, TransactionMode = IngestTransactionMode.TransactionPerBatch }, cts.Token));

        Assert.Equal(cts.Token, ex.CancellationToken);
        Assert.Equal(new IngestProgress(2_500, 2_000, 2, 0, 2_000, 0), ex.Progress);
        Assert.Equal(2_000L, await ScalarAsync<long>("SELECT count(*) FROM trading.stock_prices"));
        Assert.Equal(MarketData.Bars(2_000, 10).Sum(b => b.Volume!.Value), await ScalarAsync<long>("SELECT sum(volume) FROM trading.stock_prices"));
        Assert.Equal(
            await ScalarAsync<long>("SELECT count(*) FROM (SELECT DISTINCT ON (symbol) symbol, timestamp FROM trading.stock_prices ORDER BY symbol, timestamp DESC) d JOIN trading.latest_stock_prices l USING (symbol, timestamp)"),
            await ScalarAsync<long>("SELECT count(*) FROM trading.latest_stock_prices"));
    }

    [Fact]
    public async Task Cancelling_mid_stream_in_one_transaction_leaves_nothing()
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var ex = await Assert.ThrowsAsync<IngestCanceledException>(() =>
            Ingest.UpsertAsync(CancellingBars(10_000, 2_500, cts), IngestOptions.Default with { BatchSize = 1_000 }, cts.Token));

        Assert.Equal(0, ex.Progress.RowsCommitted);
        Assert.Contains("Nothing was written", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0L, await ScalarAsync<long>("SELECT count(*) FROM trading.stock_prices"));
        Assert.Equal(0L, await ScalarAsync<long>("SELECT count(*) FROM trading.latest_stock_prices"));
    }

    [Fact]
    public async Task Cancelling_while_a_batch_is_being_sent_rolls_that_batch_back()
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var options = IngestOptions.Default with { BatchSize = 200_000, TransactionMode = IngestTransactionMode.TransactionPerBatch };
        var first = await Ingest.AppendAsync(MarketData.Bars(1_000, symbols: 10), options, Ct);
        Assert.Equal(1_000, first.RowsWritten);

        cts.CancelAfter(TimeSpan.FromMilliseconds(300));
        var ex = await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            Ingest.AppendAsync(MarketData.Bars(2_000_000, symbols: 10, start: MarketData.Start + NodaTime.Duration.FromDays(1)), options, cts.Token));

        var committed = Assert.IsType<IngestCanceledException>(ex).Progress.RowsCommitted;
        Assert.Equal(0, committed % 200_000);
        Assert.Equal(1_000 + committed, await ScalarAsync<long>("SELECT count(*) FROM trading.stock_prices"));
    }
}
