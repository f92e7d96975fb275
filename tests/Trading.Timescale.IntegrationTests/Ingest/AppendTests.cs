using NodaTime;
using Npgsql;
using Trading.Timescale.Ingest;
using Trading.Timescale.IntegrationTests.Infrastructure;

namespace Trading.Timescale.IntegrationTests.Ingest;

public sealed class AppendTests(TimescaleServerFixture server) : IngestTest(server)
{
    [Fact]
    public async Task Append_writes_every_row_and_reads_back_equal_records()
    {
        var rows = MarketData.Bars(2_500, symbols: 10).ToList();

        var result = await Ingest.AppendAsync(rows, IngestOptions.Default with { BatchSize = 1_000 }, Ct);

        Assert.Equal(2_500, result.RowsRead);
        Assert.Equal(2_500, result.RowsWritten);
        Assert.Equal(3, result.Batches);
        Assert.Empty(result.Rejected);
        Assert.Equal(2_500L, await ScalarAsync<long>("SELECT count(*) FROM trading.stock_prices"));
        var read = new List<StockPrice>();
        await foreach (var bar in Queries.ReadStockPricesAsync("S003", MarketData.Start, MarketData.Start + Duration.FromDays(1), Ct))
        {
            read.Add(bar);
        }

        var expected = rows.Where(r => r.Symbol == "S003").ToList();
        Assert.Equal(expected.Count, read.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.NotNull(read[i].Id);
            Assert.NotNull(read[i].CreatedAt);
            Assert.Equal(expected[i], read[i] with { Id = null, CreatedAt = null, UpdatedAt = null });
        }
    }

    [Fact]
    public async Task Append_from_an_async_stream_writes_option_quotes_that_read_back_equal()
    {
        var quotes = MarketData.Quotes(1_200, contracts: 40).ToList();

        var result = await Ingest.AppendAsync(ToAsync(quotes), IngestOptions.Default with { BatchSize = 500 }, Ct);

        Assert.Equal(1_200, result.RowsWritten);
        Assert.Equal(3, result.Batches);
        var read = new List<OptionQuote>();
        await foreach (var quote in Queries.ReadOptionQuotesAsync("U2", MarketData.Start, MarketData.Start + Duration.FromDays(1), Ct))
        {
            read.Add(quote with { Id = null, CreatedAt = null, UpdatedAt = null });
        }

        var expected = quotes.Where(q => q.UnderlyingSymbol == "U2").OrderBy(q => q.Timestamp).ThenBy(q => q.OptionSymbol, StringComparer.Ordinal).ToList();
        Assert.Equal(expected, read);
    }

    [Fact]
    public async Task Append_writes_signals_metrics_quality_checks_and_events_with_their_json()
    {
        var at = MarketData.Start;
        TradingSignal[] signals =
        [
            new() { Symbol = "AAPL", SignalType = SignalType.Buy, Confidence = 0.8125m, TargetPrice = 210m, StopLoss = 180.5m, Reasoning = "breakout", ModelVersion = "v1", Features = """{"rsi": 71.5, "tags": ["a", "b"]}""", Timestamp = at, ExpiresAt = at + Duration.FromHours(4) },
            new() { Symbol = "MSFT", SignalType = SignalType.Hold, Confidence = 0m, Timestamp = at },
        ];
        PerformanceMetric[] metrics =
        [
            new() { MetricName = "sharpe_ratio", MetricValue = 1.75, Strategy = "momentum", Period = MetricPeriod.Month, Tags = """{"desk": "eq"}""", Timestamp = at },
            new() { MetricName = "win_rate", MetricValue = 0.5, Timestamp = at },
        ];
        DataQualityCheck[] checks =
        [
            new() { CheckName = "price_gap", TableName = "stock_prices", Symbol = "AAPL", Status = DataQualityStatus.Warn, MeasuredValue = 0.07, ThresholdValue = 0.05, Details = """{"gap": 0.07}""", Timestamp = at },
        ];
        SystemEvent[] events =
        [
            new() { EventType = "order_rejected", Severity = EventSeverity.Error, Source = "broker", Message = "insufficient margin", Details = """{"order": 42}""", Timestamp = at },
            new() { EventType = "heartbeat", Severity = EventSeverity.Debug, Source = "feed", Message = "ok", Timestamp = at },
        ];

        Assert.Equal(2, (await Ingest.AppendAsync(signals, cancellationToken: Ct)).RowsWritten);
        Assert.Equal(2, (await Ingest.AppendAsync(metrics, cancellationToken: Ct)).RowsWritten);
        Assert.Equal(1, (await Ingest.AppendAsync(checks, cancellationToken: Ct)).RowsWritten);
        Assert.Equal(2, (await Ingest.AppendAsync(events, cancellationToken: Ct)).RowsWritten);

        var to = at + Duration.FromMinutes(1);
        var signal = Assert.Single(await ToListAsync(Queries.ReadSignalsAsync("AAPL", at, to, Ct)));
        Assert.Equal(signals[0] with { Features = null }, signal with { Id = null, CreatedAt = null, UpdatedAt = null, Features = null });
        Assert.Equal(71.5, System.Text.Json.JsonDocument.Parse(signal.Features!).RootElement.GetProperty("rsi").GetDouble());
        Assert.Equal("BUY", await ScalarAsync<string>("SELECT signal_type FROM trading.signals WHERE symbol = 'AAPL'"));

        var sharpe = Assert.Single(await ToListAsync(Queries.ReadPerformanceMetricsAsync("sharpe_ratio", at, to, Ct)));
        Assert.Equal(MetricPeriod.Month, sharpe.Period);
        Assert.Equal("eq", System.Text.Json.JsonDocument.Parse(sharpe.Tags).RootElement.GetProperty("desk").GetString());
        var winRate = Assert.Single(await ToListAsync(Queries.ReadPerformanceMetricsAsync("win_rate", at, to, Ct)));
        Assert.Equal((MetricPeriod.Day, "{}"), (winRate.Period, winRate.Tags));

        var check = Assert.Single(await ToListAsync(Queries.ReadDataQualityChecksAsync("stock_prices", at, to, Ct)));
        Assert.Equal(checks[0] with { Details = null }, check with { Id = null, CreatedAt = null, UpdatedAt = null, Details = null });

        var errors = await ToListAsync(Queries.ReadSystemEventsAsync(at, to, EventSeverity.Warning, Ct));
        Assert.Equal("order_rejected", Assert.Single(errors).EventType);
        Assert.Equal(2, (await ToListAsync(Queries.ReadSystemEventsAsync(at, to, cancellationToken: Ct))).Count);
    }

    [Fact]
    public async Task A_duplicate_key_fails_its_batch_and_reports_the_row_and_the_committed_batches()
    {
        var rows = MarketData.Bars(3_000, symbols: 10).ToList();
        rows[2_500] = rows[100] with { Volume = 7 };

        var ex = await Assert.ThrowsAsync<TradingIngestException>(() => Ingest.AppendAsync(rows,
            IngestOptions.Default with { BatchSize = 1_000, TransactionMode = IngestTransactionMode.TransactionPerBatch }, Ct));

        Assert.Equal(2_000L, await ScalarAsync<long>("SELECT count(*) FROM trading.stock_prices"));
        Assert.Equal(new IngestProgress(3_000, 2_000, 2, 0, 2_000, 0), ex.Progress);
        Assert.Equal(3, ex.FailedBatch);
        Assert.Equal(2_501, ex.FailedRowNumber);
        Assert.Contains("at input row 2,501", ex.Message, StringComparison.Ordinal);
        Assert.Contains("23505", ex.Message, StringComparison.Ordinal);
        Assert.Contains("resume after row 2,000", ex.Message, StringComparison.Ordinal);
        Assert.Equal(10L, await ScalarAsync<long>("SELECT count(*) FROM trading.latest_stock_prices"));
        Assert.Equal(0L, await ScalarAsync<long>("""
            SELECT count(*) FROM trading.latest_stock_prices l
            WHERE l.timestamp <> (SELECT max(timestamp) FROM trading.stock_prices s WHERE s.symbol = l.symbol)
            """));
    }

    [Fact]
    public async Task A_duplicate_key_in_one_transaction_leaves_nothing()
    {
        var rows = MarketData.Bars(3_000, symbols: 10).ToList();
        rows[2_500] = rows[100];

        var ex = await Assert.ThrowsAsync<TradingIngestException>(() => Ingest.AppendAsync(rows, IngestOptions.Default with { BatchSize = 1_000 }, Ct));

        Assert.Equal(0L, await ScalarAsync<long>("SELECT count(*) FROM trading.stock_prices"));
        Assert.Equal(0L, await ScalarAsync<long>("SELECT count(*) FROM trading.latest_stock_prices"));
        Assert.Equal(0, ex.Progress.RowsCommitted);
        Assert.Contains("Nothing was written", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_lost_connection_mid_stream_with_no_retry_left_reports_exactly_the_committed_batches()
    {
        var builder = new NpgsqlDataSourceBuilder(Database.ConnectionString + ";Application Name=ingest_victim");
        builder.UseNodaTime();
        await using var victimSource = builder.Build();
        var ingest = new TradingIngest(victimSource, clock: Clock);

        IEnumerable<StockPrice> Rows()
        {
            foreach (var row in MarketData.Bars(3_000, symbols: 10))
            {
                if (row.Volume == 1_000 + 2_500)
                {
                    using var kill = DataSource.CreateCommand("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = 'ingest_victim'");
                    Assert.Equal(1L, (long)kill.ExecuteScalar()!);
                }

                yield return row;
            }
        }

        var ex = await Assert.ThrowsAsync<TradingIngestException>(() => ingest.AppendAsync(Rows(),
            IngestOptions.Default with { BatchSize = 1_000, TransactionMode = IngestTransactionMode.TransactionPerBatch, MaxRetries = 0 }, Ct));

        Assert.Equal(2_000L, await ScalarAsync<long>("SELECT count(*) FROM trading.stock_prices"));
        Assert.True(ex.Message.Contains("was lost", StringComparison.Ordinal), ex.Message);
        Assert.Contains("The batch was tried 1 time(s)", ex.Message, StringComparison.Ordinal);
        Assert.Equal(2_000, ex.Progress.RowsCommitted);
        Assert.Equal(2, ex.Progress.BatchesCommitted);
        Assert.Equal(0, ex.Progress.RowsInDoubt);
        Assert.Equal(3, ex.FailedBatch);
    }

    internal static async IAsyncEnumerable<T> ToAsync<T>(IEnumerable<T> rows)
    {
        foreach (var row in rows)
        {
            await Task.Yield();
            yield return row;
        }
    }

    internal static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> rows)
    {
        var list = new List<T>();
        await foreach (var row in rows)
        {
            list.Add(row);
        }

        return list;
    }
}
