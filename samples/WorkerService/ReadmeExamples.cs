using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Trading.Timescale;
using Trading.Timescale.Ingest;

namespace WorkerService;

/// <summary>
/// The code samples of README.md, compiled here. A unit test (SnippetTests) checks that every ```csharp block of
/// README.md and docs/*.md appears verbatim in a file of samples/.
/// </summary>
internal static class ReadmeExamples
{
    public static void Register(IHostApplicationBuilder builder)
    {
        // Program.cs of a feed handler, signal engine or dashboard
        builder.Services
            .AddTradingTimescale(builder.Configuration.GetSection("TradingTimescale")) // or a connection string / postgresql:// URL
            .ApplySchemaOnStartup();                                                 // install or upgrade the trading schema at start-up
        builder.Services.AddHealthChecks().AddTradingTimescale();                   // Trading.Timescale.HealthChecks
        builder.Services.AddOpenTelemetry()                                          // Trading.Timescale.OpenTelemetry
            .WithTracing(tracing => tracing.AddTradingTimescaleInstrumentation())
            .WithMetrics(metrics => metrics.AddTradingTimescaleInstrumentation());
    }
}

// anywhere
public sealed class FeedHandler(TradingDatabase trading)
{
    public Task<IngestResult> OnBarsAsync(IAsyncEnumerable<StockPrice> bars, CancellationToken ct) =>
        trading.Ingest.UpsertAsync(bars, cancellationToken: ct);            // idempotent replay; AppendAsync is plain binary COPY
}
