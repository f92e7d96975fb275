using NodaTime;
using NodaTime.Text;
using Trading.Timescale.Ingest;
using Trading.Timescale.IntegrationTests.Infrastructure;

namespace Trading.Timescale.IntegrationTests.Ingest;

public sealed class FailureModeTests(TimescaleServerFixture server) : IngestTest(server)
{
    /// <summary>
    /// Two days ago at 13:30 UTC: well inside every retention window, so no retention run (a job or apply_retention)
    /// can drop what a test wrote.
    /// </summary>
    private static readonly Instant Start = Instant.FromDateTimeUtc(DateTime.UtcNow.Date).Minus(Duration.FromDays(2)).Plus(Duration.FromMinutes(13 * 60 + 30));

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        Clock.Now = Start.Plus(Duration.FromDays(1));
    }

    /// <summary>3,000 bars in batches of 1,000; rows 2,101 and 2,351 (in batch 3) are invalid.</summary>
    private static List<StockPrice> InputWithTwoBadRows()
    {
        var rows = MarketData.Bars(3_000, symbols: 10, Start).ToList();
        rows[2_100] = rows[2_100] with { HighPrice = 90m };
        rows[2_350] = rows[2_350] with { Volume = -5 };
        return rows;
    }

    [Fact]
    public async Task Reject_is_the_default_and_writes_nothing_at_all()
    {
        var input = InputWithTwoBadRows();
        var open = input[2_100].OpenPrice!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);

        var ex = await Assert.ThrowsAsync<IngestValidationException>(() =>
            Ingest.AppendAsync(input, IngestOptions.Default with { BatchSize = 1_000 }, Ct));

        Assert.Equal(0L, await ScalarAsync<long>("SELECT count(*) FROM trading.stock_prices"));
        Assert.Equal(0L, await ScalarAsync<long>("SELECT count(*) FROM trading.latest_stock_prices"));
        Assert.Equal(new IngestProgress(3_000, 0, 0, 0, 0, 0), ex.Progress);
        Assert.Equal(3, ex.FailedBatch);
        Assert.Equal(2_101, ex.FailedRowNumber);
        Assert.Equal([2_101L, 2_351L], ex.Errors.Select(e => e.RowNumber));
        Assert.Equal(["high_price", "volume"], ex.Errors.Select(e => e.Column));
        Assert.Equal(["90", "-5"], ex.Errors.Select(e => e.Value));
        Assert.StartsWith($"row 2,101: high_price 90 < open_price {open} for S000 {At(210)}", ex.Message, StringComparison.Ordinal);
        Assert.Contains("and 1 more invalid rows", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Nothing was written", ex.Message, StringComparison.Ordinal);
        Assert.Equal($"row 2,351: volume -5 is negative for S000 {At(235)}", ex.Errors[1].Message);
    }

    [Fact]
    public async Task Reject_with_a_transaction_per_batch_keeps_and_reports_the_batches_before_the_invalid_one()
    {
        var ex = await Assert.ThrowsAsync<IngestValidationException>(() => Ingest.AppendAsync(InputWithTwoBadRows(),
            IngestOptions.Default with { BatchSize = 1_000, TransactionMode = IngestTransactionMode.TransactionPerBatch }, Ct));

        Assert.Equal(2_000L, await ScalarAsync<long>("SELECT count(*) FROM trading.stock_prices"));
        Assert.Equal(new IngestProgress(3_000, 2_000, 2, 0, 2_000, 0), ex.Progress);
        Assert.Contains("resume after row 2,000", ex.Message, StringComparison.Ordinal);
        Assert.Equal(2, ex.Errors.Count);
    }

    [Theory]
    [InlineData(IngestTransactionMode.SingleTransaction)]
    [InlineData(IngestTransactionMode.TransactionPerBatch)]
    public async Task Skip_writes_the_valid_rows_and_returns_every_rejected_row(IngestTransactionMode transactions)
    {
        var input = InputWithTwoBadRows();
        var open = input[2_100].OpenPrice!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);

        var result = await Ingest.AppendAsync(input,
            IngestOptions.Default with { BatchSize = 1_000, InvalidRows = InvalidRowHandling.Skip, TransactionMode = transactions }, Ct);

        Assert.Equal((3_000L, 2_998L, 2L), (result.RowsRead, result.RowsWritten, result.RowsRejected));
        Assert.Equal(2_998L, await ScalarAsync<long>("SELECT count(*) FROM trading.stock_prices"));
        Assert.Equal(0L, await ScalarAsync<long>("SELECT count(*) FROM trading.stock_prices WHERE volume IN ($1, $2)", input[2_100].Volume!.Value, -5L));
        var first = result.Rejected[0];
        Assert.Equal((2_101L, "high_price", "90", $"high_price 90 < open_price {open}"), (first.RowNumber, first.Column, first.Value, first.Reason));
        Assert.Same(input[2_100], first.Record);
        var second = result.Rejected[1];
        Assert.Equal((2_351L, "volume", "-5", "volume -5 is negative"), (second.RowNumber, second.Column, second.Value, second.Reason));
    }

    [Fact]
    public async Task Upsert_rejects_invalid_rows_the_same_way()
    {
        var quotes = MarketData.Quotes(100, contracts: 10).ToList();
        quotes[42] = quotes[42] with { BidPrice = 12.40m, AskPrice = 12.10m, StrikePrice = 150m, UnderlyingSymbol = "AAPL" };

        var ex = await Assert.ThrowsAsync<IngestValidationException>(() => Ingest.UpsertAsync(quotes, cancellationToken: Ct));

        Assert.Equal("row 43: bid_price 12.40 > ask_price 12.10 for AAPL 2026-12-18 C 150", Assert.Single(ex.Errors).Message);
        Assert.Equal(0L, await ScalarAsync<long>("SELECT count(*) FROM trading.options_data"));
    }

    [Fact]
    public async Task A_null_row_is_an_invalid_row()
    {
        StockPrice[] rows = [MarketData.Bar(0, 1, Start), null!];

        var result = await Ingest.AppendAsync(rows, IngestOptions.Default with { InvalidRows = InvalidRowHandling.Skip }, Ct);

        Assert.Equal("row 2: the row is null", Assert.Single(result.Rejected).Message);
        Assert.Equal(1, result.RowsWritten);
    }

    [Fact]
    public async Task An_exception_from_the_input_reports_the_row_being_read_and_what_is_committed()
    {
        IEnumerable<StockPrice> Rows()
        {
            foreach (var row in MarketData.Bars(1_500, symbols: 10, Start))
            {
                yield return row.Volume == 1_000 + 1_200 ? throw new IOException("feed closed") : row;
            }
        }

        var ex = await Assert.ThrowsAsync<TradingIngestException>(() => Ingest.AppendAsync(Rows(),
            IngestOptions.Default with { BatchSize = 1_000, TransactionMode = IngestTransactionMode.TransactionPerBatch }, Ct));

        Assert.IsType<IOException>(ex.InnerException);
        Assert.Equal(1_201, ex.FailedRowNumber);
        Assert.Null(ex.FailedBatch);
        Assert.Equal(1_000, ex.Progress.RowsCommitted);
        Assert.Contains("reading input row 1,201: feed closed", ex.Message, StringComparison.Ordinal);
        Assert.Equal(1_000L, await ScalarAsync<long>("SELECT count(*) FROM trading.stock_prices"));
    }

    /// <summary>The timestamp of minute <paramref name="minute"/> after <see cref="Start"/>, as messages print it.</summary>
    private static string At(int minute) => InstantPattern.General.Format(Start.Plus(Duration.FromMinutes(minute)));
}
