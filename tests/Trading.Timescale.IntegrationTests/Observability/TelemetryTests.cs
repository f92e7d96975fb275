using System.Diagnostics;
using Microsoft.Extensions.Logging;
using NodaTime;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Trading.Timescale.Ingest;
using Trading.Timescale.IntegrationTests.Infrastructure;
using Trading.Timescale.IntegrationTests.Ingest;

namespace Trading.Timescale.IntegrationTests.Observability;

public sealed class TelemetryTests(TimescaleServerFixture server) : DatabaseTest(server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Migrate_ingest_and_reads_emit_spans_metrics_and_count_only_logs()
    {
        // The bars are dated months back; a retention job would drop them before the read.
        await PauseJobsAsync();
        var spans = new List<Activity>();
        var metrics = new List<Metric>();
        using (var tracing = Sdk.CreateTracerProviderBuilder().AddTradingTimescaleInstrumentation().AddInMemoryExporter(spans).Build())
        using (var meters = Sdk.CreateMeterProviderBuilder().AddTradingTimescaleInstrumentation().AddInMemoryExporter(metrics).Build())
        {
            var logs = new CapturingLoggerProvider();
            using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Debug));
            await using var trading = TradingDatabase.Create(Database.ConnectionString, loggerFactory: loggerFactory);
            await trading.Schema.MigrateAsync(Ct);

            var bars = MarketData.Bars(250, 5).ToList();
            bars[7] = bars[7] with { HighPrice = 1m };
            var result = await trading.Ingest.AppendAsync(bars, new IngestOptions { BatchSize = 100, InvalidRows = InvalidRowHandling.Skip }, Ct);
            await trading.Ingest.UpsertAsync(MarketData.Bars(50, 5), cancellationToken: Ct);
            var read = 0;
            await foreach (var _ in trading.Queries.ReadStockPricesAsync(MarketData.Symbol(0), MarketData.Start, MarketData.Start + Duration.FromDays(1), Ct))
            {
                read++;
            }

            // One export, read at once: the exporter keeps cumulative points, and disposing exports again.
            meters.ForceFlush();
            Assert.Equal(249 + 50, Sum(metrics, "trading_timescale.ingest.rows"));
            Assert.Equal(1, Sum(metrics, "trading_timescale.ingest.rows_rejected"));
            Assert.Equal(2, Count(metrics, "trading_timescale.ingest.batch.duration"));
            Assert.Equal(1, Count(metrics, "trading_timescale.query.duration"));
            Assert.Equal(249, result.RowsWritten);
            Assert.Equal(50, read);

            var log = logs.Messages.Where(m => m.Category.StartsWith("Trading.Timescale", StringComparison.Ordinal)).ToList();
            Assert.Contains(log, m => m.Level == LogLevel.Information && m.Text.StartsWith("Applied ", StringComparison.Ordinal));
            Assert.Contains(log, m => m.Level == LogLevel.Debug && m.Text.StartsWith("Committed 249 rows in 3 batch(es) to trading.stock_prices (append)", StringComparison.Ordinal));
            var rejected = Assert.Single(log, m => m.Level == LogLevel.Warning);
            Assert.Equal("Rejected 1 invalid row(s) for trading.stock_prices (append); columns: high_price", rejected.Text);
            Assert.DoesNotContain(log, m => m.Text.Contains(bars[7].Symbol, StringComparison.Ordinal));
        }

        var mine = spans.Where(s => Equals(s.GetTagItem("db.namespace"), Database.Name)).ToList();
        Assert.Contains(mine, s => s.OperationName == "trading_timescale.migrate" && (int)s.GetTagItem("trading_timescale.schema.applied")! > 0);
        var append = Assert.Single(mine, s => s.OperationName == "trading_timescale.ingest.append");
        Assert.Equal("trading.stock_prices", append.GetTagItem("trading_timescale.table"));
        Assert.Equal(249L, append.GetTagItem("trading_timescale.ingest.rows_written"));
        Assert.Equal(1L, append.GetTagItem("trading_timescale.ingest.rows_rejected"));
        Assert.Single(mine, s => s.OperationName == "trading_timescale.ingest.upsert");
        var query = Assert.Single(mine, s => s.OperationName == "trading_timescale.query trading.stock_prices.range");
        Assert.Equal("ok", query.GetTagItem("trading_timescale.outcome"));
    }

    private bool Mine(MetricPoint point)
    {
        foreach (var tag in point.Tags)
        {
            if (tag.Key == "db.namespace" && Equals(tag.Value, Database.Name))
            {
                return true;
            }
        }

        return false;
    }

    private long Sum(List<Metric> metrics, string name) => Total(metrics, name, static p => p.GetSumLong());

    private long Count(List<Metric> metrics, string name) => Total(metrics, name, static p => p.GetHistogramCount());

    private long Total(List<Metric> metrics, string name, Func<MetricPoint, long> value)
    {
        long total = 0;
        foreach (var metric in metrics.Where(m => m.Name == name))
        {
            foreach (ref readonly var point in metric.GetMetricPoints())
            {
                total += Mine(point) ? value(point) : 0;
            }
        }

        return total;
    }

    private sealed class CapturingLoggerProvider : ILoggerProvider
    {
        public System.Collections.Concurrent.ConcurrentQueue<(string Category, LogLevel Level, string Text)> Messages { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, Messages);

        public void Dispose()
        {
        }

        private sealed class Logger(string category, System.Collections.Concurrent.ConcurrentQueue<(string Category, LogLevel Level, string Text)> messages) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                messages.Enqueue((category, logLevel, formatter(state, exception)));
        }
    }
}
