using System.Diagnostics;
using System.Text;
using Npgsql;
using Trading.Timescale.Ingest;
using Trading.Timescale.IntegrationTests.Infrastructure;

namespace Trading.Timescale.IntegrationTests.Ingest;

/// <summary>Concurrent upserts, transient failures, command timeouts and hostile CSV input against a real server.</summary>
public sealed class IngestHardeningTests(TimescaleServerFixture server) : IngestTest(server)
{
    [Fact]
    public async Task Two_concurrent_upserts_over_the_same_keys_in_opposite_orders_complete_without_deadlock()
    {
        const int Rows = 20_000;
        await Ingest.AppendAsync(MarketData.Bars(Rows, symbols: 50), cancellationToken: Ct);
        var forward = MarketData.Bars(Rows, symbols: 50, priceShift: 1m).ToList();
        var backward = MarketData.Bars(Rows, symbols: 50, priceShift: 2m).Reverse().ToList();
        var noRetries = IngestOptions.Default with { MaxRetries = 0, UpdateLatest = false };

        for (var round = 0; round < 3; round++)
        {
            var results = await Task.WhenAll(
                Task.Run(() => Ingest.UpsertAsync(forward, noRetries, Ct), Ct),
                Task.Run(() => Ingest.UpsertAsync(backward, noRetries, Ct), Ct));

            Assert.All(results, r => Assert.Equal((Rows, 0), (r.RowsWritten, r.Retries)));
        }

        Assert.Equal((long)Rows, await ScalarAsync<long>("SELECT count(*) FROM trading.stock_prices"));
        var shifts = await ScalarAsync<long>("SELECT count(DISTINCT open_price - (100 + ((volume - 1000) % 97) * 0.01)) FROM trading.stock_prices");
        Assert.Equal(1L, shifts);
    }

    [Fact]
    public async Task A_deadlock_is_retried_a_bounded_number_of_times_and_reported()
    {
        var (result, _) = await UpsertIntoADeadlockAsync(IngestOptions.Default with { TransactionMode = IngestTransactionMode.TransactionPerBatch });

        Assert.Equal(1, result.Retries);
        Assert.Equal(2, result.RowsChanged);
        Assert.Equal(2_003m, await ScalarAsync<decimal>("SELECT sum(volume) FROM trading.stock_prices"));
    }

    [Fact]
    public async Task With_no_retries_left_a_deadlock_fails_the_call_saying_so()
    {
        var (_, failure) = await UpsertIntoADeadlockAsync(IngestOptions.Default with { MaxRetries = 0 });

        Assert.NotNull(failure);
        Assert.Contains("40P01", failure.Message, StringComparison.Ordinal);
        Assert.Contains("The batch was tried 1 time(s)", failure.Message, StringComparison.Ordinal);
        Assert.IsType<PostgresException>(failure.InnerException);
    }

    /// <summary>
    /// Another session locks the second key, the upsert locks the first and waits for the second; then the other
    /// session asks for the first: a deadlock. The upsert's session checks for deadlocks after 3 s, the other's after
    /// a minute, so PostgreSQL aborts the upsert.
    /// </summary>
    private async Task<(IngestResult Result, TradingIngestException? Failure)> UpsertIntoADeadlockAsync(IngestOptions options)
    {
        var bars = MarketData.Bars(2, symbols: 2).ToList();
        await Ingest.AppendAsync(bars, cancellationToken: Ct);
        var builder = new NpgsqlDataSourceBuilder(Database.ConnectionString);
        builder.ConnectionStringBuilder.Options = "-c deadlock_timeout=3s";
        builder.UseNodaTime();
        await using var upsertSource = builder.Build();
        var ingest = new TradingIngest(upsertSource, clock: Clock);
        await using var other = await DataSource.OpenConnectionAsync(Ct);
        await ExecuteAsync(other, "SET deadlock_timeout = '60s'");
        await using var transaction = await other.BeginTransactionAsync(Ct);
        await ExecuteAsync(other, "SELECT 1 FROM trading.stock_prices WHERE symbol = 'S001' FOR UPDATE");
        var upsert = Task.Run(() => ingest.UpsertAsync(bars.Select(b => b with { Volume = b.Volume + 1 }), options with { UpdateLatest = false }, Ct), Ct);
        var watch = Stopwatch.StartNew();
        while (await ScalarAsync<long>("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'") == 0)
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), "the upsert never waited for the locked row");
            await Task.Delay(20, Ct);
        }

        await ExecuteAsync(other, "SELECT 1 FROM trading.stock_prices WHERE symbol = 'S000' FOR UPDATE");
        await transaction.CommitAsync(Ct);
        try
        {
            return (await upsert, null);
        }
        catch (TradingIngestException ex)
        {
            return (null!, ex);
        }
    }

    [Fact]
    public async Task The_command_timeout_option_bounds_a_statement_that_waits()
    {
        await Ingest.AppendAsync(MarketData.Bars(10, symbols: 2), cancellationToken: Ct);
        await using var other = await DataSource.OpenConnectionAsync(Ct);
        await using var transaction = await other.BeginTransactionAsync(Ct);
        await ExecuteAsync(other, "SELECT 1 FROM trading.stock_prices FOR UPDATE");
        var watch = Stopwatch.StartNew();

        var ex = await Assert.ThrowsAsync<TradingIngestException>(() => Ingest.UpsertAsync(
            MarketData.Bars(10, symbols: 2, priceShift: 1m), IngestOptions.Default with { CommandTimeout = TimeSpan.FromSeconds(2) }, Ct));

        Assert.InRange(watch.Elapsed, TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(25));
        Assert.Contains("Nothing was written", ex.Message, StringComparison.Ordinal);
        Assert.True(ex.InnerException is NpgsqlException { InnerException: TimeoutException } or PostgresException { SqlState: "57014" }, ex.ToString());
        await transaction.RollbackAsync(Ct);
        Assert.Equal(100m, await ScalarAsync<decimal>("SELECT min(open_price) FROM trading.stock_prices"));
    }

    [Fact]
    public async Task A_file_full_of_bad_rows_keeps_a_bounded_number_in_memory_and_counts_and_streams_all_of_them()
    {
        var csv = new StringBuilder("symbol,timestamp,close_price\n");
        for (var i = 0; i < 5_000; i++)
        {
            csv.Append(i % 1_000 == 0 ? "GOOD" : "BAD").Append(i).Append(",2026-05-04T13:30:00Z,").Append(i % 1_000 == 0 ? "1" : "x").Append('\n');
        }

        var streamed = 0;
        var options = IngestOptions.Default with
        {
            InvalidRows = InvalidRowHandling.Skip,
            MaxRejectedRowsKept = 10,
            OnRejectedRow = (_, _) => { streamed++; return ValueTask.CompletedTask; },
        };

        var result = await Ingest.ImportCsvAsync(IngestTable.StockPrices, new MemoryStream(Encoding.UTF8.GetBytes(csv.ToString())), options: options, cancellationToken: Ct);

        Assert.Equal((5_000L, 5L, 4_995L, 10, 4_995), (result.RowsRead, result.RowsWritten, result.RowsRejected, result.Rejected.Count, streamed));
        Assert.Equal("close_price 'x' is not a number", result.Rejected[0].Reason);
        Assert.Equal(("BAD1", "x"), (result.Rejected[0].Values![0], result.Rejected[0].Values![5]));
    }

    [Fact]
    public async Task Under_reject_a_file_full_of_bad_rows_reports_the_first_and_counts_the_rest()
    {
        var csv = new StringBuilder("symbol,timestamp,close_price\n");
        for (var i = 0; i < 3_000; i++)
        {
            csv.Append("S").Append(i).Append(",2026-05-04T13:30:00Z,x\n");
        }

        var ex = await Assert.ThrowsAsync<IngestValidationException>(() => Ingest.ImportCsvAsync(
            IngestTable.StockPrices, new MemoryStream(Encoding.UTF8.GetBytes(csv.ToString())), options: IngestOptions.Default with { MaxRejectedRowsKept = 5 }, cancellationToken: Ct));

        Assert.Equal(5, ex.Errors.Count);
        Assert.StartsWith("row 1 (line 2): close_price 'x' is not a number (and 2,999 more invalid rows in input rows 1–3,000)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bytes_that_are_not_UTF8_are_skipped_and_reported_and_the_other_rows_are_written()
    {
        byte[] csv = [.. "symbol,timestamp,close_price\nAAPL,2026-05-04T13:30:00Z,1\nAB"u8, 0xC3, 0x28, .. ",2026-05-04T13:31:00Z,2\nMSFT,2026-05-04T13:30:00Z,3\n"u8];

        var result = await Ingest.ImportCsvAsync(IngestTable.StockPrices, new MemoryStream(csv), options: IngestOptions.Default with { InvalidRows = InvalidRowHandling.Skip }, cancellationToken: Ct);

        Assert.Equal((3L, 2L), (result.RowsRead, result.RowsWritten));
        var error = Assert.Single(result.Rejected);
        Assert.Equal("row 2 (line 3): byte 0xC3 at byte offset 59 of the input is not UTF-8; save the file as UTF-8", error.Message);
    }

    [Fact]
    public async Task Values_postgres_would_refuse_are_skipped_row_by_row_instead_of_failing_the_batch()
    {
        var events = new[]
        {
            new SystemEvent { EventType = "ok", Severity = EventSeverity.Info, Source = "feed", Message = "fine", Details = "{\"path\": \"C:\\\\u0000\"}", Timestamp = MarketData.Start },
            new SystemEvent { EventType = "nul", Severity = EventSeverity.Info, Source = "feed", Message = "x", Details = "{\"a\": \"\\u0000\"}", Timestamp = MarketData.Start },
            new SystemEvent { EventType = "surrogate", Severity = EventSeverity.Info, Source = "feed", Message = "\ud800", Timestamp = MarketData.Start },
            new SystemEvent { EventType = "escaped", Severity = EventSeverity.Info, Source = "feed", Message = "x", Details = "[\"\\ud800\"]", Timestamp = MarketData.Start },
            new SystemEvent { EventType = "unset", Severity = EventSeverity.Info, Source = "feed", Message = "x", Timestamp = default },
            new SystemEvent { EventType = "infinite", Severity = EventSeverity.Info, Source = "feed", Message = "x", Timestamp = NodaTime.Instant.MinValue },
        };

        var result = await Ingest.UpsertAsync(events, IngestOptions.Default with { InvalidRows = InvalidRowHandling.Skip }, Ct);

        Assert.Equal((1L, 5L), (result.RowsWritten, result.RowsRejected));
        Assert.Equal("{\"path\": \"C:\\\\u0000\"}", await ScalarAsync<string>("SELECT details::text FROM trading.system_events"));
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(Ct);
    }
}
