using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Npgsql;
using Trading.Timescale.Ingest;
using Trading.Timescale.IntegrationTests.Infrastructure;

namespace Trading.Timescale.IntegrationTests.Ingest;

/// <summary>
/// Writes through real server faults on a cluster of this class: an immediate-mode restart in the middle of a stream,
/// a server that is down for a while, one that stays down past the retry budget, and a connection cut during COMMIT.
/// </summary>
public sealed class TransientFailureTests(RestartableServerFixture fixture) : RestartableServerTest(fixture, "faults")
{
    private static readonly NodaTime.Instant Later = MarketData.Start.Plus(NodaTime.Duration.FromDays(3));
    private readonly CapturingLoggerProvider _logs = new();

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _logs.Dispose();
    }

    [Fact]
    public async Task An_immediate_restart_in_the_middle_of_an_append_is_retried_and_every_row_is_stored_once()
    {
        await using var trading = Open(Database.ConnectionString);
        using var retries = new RetryCounter(Database.Name);
        var restarted = false;
        IEnumerable<StockPrice> Rows()
        {
            foreach (var row in MarketData.Bars(3_000, symbols: 10))
            {
                if (row.Volume == 1_000 + 2_500)
                {
                    Server.RestartServerAsync(Ct).GetAwaiter().GetResult();
                    restarted = true;
                }

                yield return row;
            }
        }

        var result = await trading.Ingest.AppendAsync(Rows(), IngestOptions.Default with { BatchSize = 1_000, TransactionMode = IngestTransactionMode.TransactionPerBatch }, Ct);

        Assert.True(restarted);
        Assert.Equal((3_000L, 3), (result.RowsWritten, result.Batches));
        Assert.InRange(result.Retries, 1, 5);
        Assert.Equal((3_000L, 3_000L), await CountAsync());
        Assert.Equal(10L, await ScalarAsync("SELECT count(*) FROM trading.latest_stock_prices"));
        Assert.NotEmpty(retries.Retries);
        Assert.All(retries.Retries, r => Assert.Equal("ingest.append", r.Operation));
        Assert.Contains(_logs.Entries, e => e.Level == LogLevel.Warning && e.Message.StartsWith("Retrying ingest.append on 127.0.0.1:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_write_while_the_server_is_down_waits_and_is_stored_once_the_server_is_back()
    {
        await using var trading = Open(Database.ConnectionString);
        await trading.Ingest.AppendAsync(MarketData.Bars(100, symbols: 5), cancellationToken: Ct);
        using var retries = new RetryCounter(Database.Name);
        var watch = Stopwatch.StartNew();
        var start = await StopForAsync(TimeSpan.FromSeconds(2));

        IngestResult result;
        try
        {
            result = await trading.Ingest.UpsertAsync(MarketData.Bars(500, symbols: 5, Later), cancellationToken: Ct);
        }
        finally
        {
            await start;
        }

        Assert.True(watch.Elapsed >= TimeSpan.FromSeconds(2), $"the write returned after {watch.Elapsed} while the server was down");
        Assert.Equal(500L, result.RowsWritten);
        Assert.True(result.Retries >= 1, $"retries: {result.Retries}");
        Assert.Equal(result.Retries, retries.Retries.Count);
        Assert.Equal((600L, 600L), await CountAsync());
    }

    [Fact]
    public async Task A_server_down_past_the_retry_budget_fails_the_write_naming_the_connection_and_writes_nothing()
    {
        await using var trading = Open(Database.ConnectionString, retry => retry.MaxAttempts = 3);
        await trading.Ingest.AppendAsync(MarketData.Bars(100, symbols: 5), cancellationToken: Ct);
        using var retries = new RetryCounter(Database.Name);
        await Server.StopServerAsync(Ct);
        TradingIngestException failure;
        try
        {
            failure = await Assert.ThrowsAsync<TradingIngestException>(() => trading.Ingest.AppendAsync(MarketData.Bars(500, symbols: 5, Later), cancellationToken: Ct));
        }
        finally
        {
            await Server.StartServerAsync(Ct);
        }

        Assert.Contains("The batch was tried 3 time(s)", failure.Message, StringComparison.Ordinal);
        Assert.Contains($"the connection to 127.0.0.1:{new NpgsqlConnectionStringBuilder(Database.ConnectionString).Port}/{Database.Name}", failure.Message, StringComparison.Ordinal);
        Assert.Contains("Nothing was written", failure.Message, StringComparison.Ordinal);
        Assert.Equal(2, retries.Retries.Count);
        Assert.Equal((100L, 100L), await CountAsync());
    }

    /// <summary>A batch size of 1,000 makes the call commit after reading an empty second batch, the final commit's path.</summary>
    [Theory]
    [InlineData(TcpForwarder.Cut.BeforeCommit, IngestMode.Append, IngestOptions.DefaultBatchSize)]
    [InlineData(TcpForwarder.Cut.AfterCommit, IngestMode.Append, IngestOptions.DefaultBatchSize)]
    [InlineData(TcpForwarder.Cut.AfterCommit, IngestMode.Upsert, IngestOptions.DefaultBatchSize)]
    [InlineData(TcpForwarder.Cut.BeforeCommit, IngestMode.Append, 1_000)]
    [InlineData(TcpForwarder.Cut.AfterCommit, IngestMode.Append, 1_000)]
    public async Task A_connection_cut_during_commit_is_retried_as_an_upsert_and_each_row_is_stored_once(TcpForwarder.Cut cut, IngestMode mode, int batchSize)
    {
        var server = new NpgsqlConnectionStringBuilder(Database.ConnectionString);
        await using var cutter = TcpForwarder.Start(0, server.Host!, server.Port);
        await using var trading = Open(new NpgsqlConnectionStringBuilder(Database.ConnectionString) { Port = cutter.Port }.ConnectionString);
        await trading.Ingest.AppendAsync(MarketData.Bars(100, symbols: 5), cancellationToken: Ct);
        var rows = MarketData.Bars(1_000, symbols: 5, Later).ToList();

        cutter.CutNextCommit(cut);
        var options = IngestOptions.Default with { BatchSize = batchSize };
        var result = mode == IngestMode.Append
            ? await trading.Ingest.AppendAsync(rows, options, Ct)
            : await trading.Ingest.UpsertAsync(rows, options, Ct);

        Assert.Equal(1, cutter.Cuts);
        Assert.Equal((1_000L, 1), (result.RowsWritten, result.Retries));
        Assert.Equal((1_100L, 1_100L), await CountAsync());
        Assert.Equal(5L, await ScalarAsync("""
            SELECT count(*) FROM trading.latest_stock_prices l
            WHERE l.timestamp = (SELECT max(timestamp) FROM trading.stock_prices s WHERE s.symbol = l.symbol)
            """));
    }

    [Fact]
    public async Task A_single_event_written_while_the_server_restarts_is_stored_once()
    {
        await using var trading = Open(Database.ConnectionString);
        var first = await trading.Ingest.WriteEventAsync(Event("before"), Ct);
        var start = await StopForAsync(TimeSpan.FromSeconds(1));

        long id;
        try
        {
            id = await trading.Ingest.WriteEventAsync(Event("during"), Ct);
        }
        finally
        {
            await start;
        }

        Assert.NotEqual(first, id);
        Assert.Equal(2L, await ScalarAsync("SELECT count(*) FROM trading.system_events WHERE source = 'fault-test'"));
    }

    /// <summary>Stops the server now; the task returned starts it again after <paramref name="downtime"/>.</summary>
    private async Task<Task> StopForAsync(TimeSpan downtime)
    {
        await Server.StopServerAsync(Ct);
        return Task.Run(async () =>
        {
            await Task.Delay(downtime, Ct);
            await Server.StartServerAsync(Ct);
        }, Ct);
    }

    private static SystemEvent Event(string message) => new()
    {
        Timestamp = MarketData.Start.Plus(NodaTime.Duration.FromSeconds(message.Length)),
        EventType = "feed." + message,
        Severity = EventSeverity.Info,
        Source = "fault-test",
        Message = message,
    };

    private TradingDatabase Open(string connectionString, Action<RetryOptions>? retry = null) =>
        TradingDatabase.Create(
            connectionString,
            options =>
            {
                options.Retry.BaseDelay = TimeSpan.FromMilliseconds(100);
                options.Retry.MaxDelay = TimeSpan.FromSeconds(1);
                options.Retry.MaxAttempts = 30;
                options.Retry.MaxRetryTime = TimeSpan.FromSeconds(60);
                retry?.Invoke(options.Retry);
            },
            LoggerFactory.Create(builder => builder.AddProvider(_logs)));

    /// <summary>Rows of stock_prices, and distinct natural keys among them.</summary>
    private async Task<(long Rows, long Keys)> CountAsync() =>
        (await ScalarAsync("SELECT count(*) FROM trading.stock_prices"), await ScalarAsync("SELECT count(DISTINCT (symbol, timestamp)) FROM trading.stock_prices"));

    private async Task<long> ScalarAsync(string sql)
    {
        await using var dataSource = NpgsqlDataSource.Create(Database.ConnectionString);
        await using var command = dataSource.CreateCommand(sql);
        return (long)(await command.ExecuteScalarAsync(Ct))!;
    }
}
