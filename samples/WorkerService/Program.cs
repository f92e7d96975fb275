// A generic-host service: the trading schema applied at start-up, a simulated feed ingested continuously, a watcher
// that subscribes to the feed's completed bars and logs RSI extremes, the health check on GET /health, OpenTelemetry
// to the console, and a clean stop on Ctrl+C: the batch in flight either commits and is acknowledged, or rolls back
// and is not.
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Npgsql;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using WorkerService;

var builder = WebApplication.CreateBuilder(args);

// With no connection configured, a throwaway local server (deleted when the service stops).
await using var localServer = await LocalServer.StartIfNeededAsync(builder.Configuration);
var connection = localServer.ConnectionString;

builder.Services.AddTradingTimescale(connection).ApplySchemaOnStartup();
builder.Services.AddHealthChecks().AddTradingTimescale();
builder.Services.AddOpenTelemetry()
    .WithTracing(tracing => tracing.AddTradingTimescaleInstrumentation().AddNpgsql().AddConsoleExporter())
    .WithMetrics(metrics => metrics.AddTradingTimescaleInstrumentation().AddNpgsqlInstrumentation().AddConsoleExporter());
builder.Services.Configure<FeedOptions>(builder.Configuration.GetSection("Feed"));
builder.Services.AddSingleton<FeedLedger>();
builder.Services.AddHostedService<FeedWorker>();
builder.Services.AddHostedService<RsiWatcher>();
builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));

var app = builder.Build();
app.MapHealthChecks("/health", new HealthCheckOptions { ResponseWriter = HealthResponse.WriteAsync });
var ledger = app.Services.GetRequiredService<FeedLedger>();
await app.RunAsync();

Console.WriteLine($"Stopped: acknowledged {ledger.Rows} rows in {ledger.Batches} batches");
