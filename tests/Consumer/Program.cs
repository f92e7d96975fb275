// A consumer of the packed packages: registers the library and its health check in a generic host, starts it on a
// throwaway server, ingests and reads through the public API, then runs the installed trading-timescale tool.
// Any failed expectation throws, so the exit code is non-zero.
using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NodaTime;
using OpenTelemetry;
using OpenTelemetry.Trace;
using Trading.Timescale;
using Trading.Timescale.Testing;

var toolPath = args.Length > 0 ? args[0] : throw new ArgumentException("usage: Consumer <path of the installed trading-timescale tool>");

await using var server = await TimescaleTestServer.StartAsync();
await using var database = await server.CreateDatabaseAsync("consumer");
var spans = new List<Activity>();
using var tracing = Sdk.CreateTracerProviderBuilder().AddTradingTimescaleInstrumentation().AddInMemoryExporter(spans).Build();

var builder = Host.CreateApplicationBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Services.AddTradingTimescale(database.ConnectionString).ApplySchemaOnStartup();
builder.Services.AddHealthChecks().AddTradingTimescale();
using var host = builder.Build();
await host.StartAsync();

var trading = host.Services.GetRequiredService<TradingDatabase>();
// Recent minutes, inside the refresh policies' windows: the health check is healthy whether or not a policy has run yet.
var start = Instant.FromUnixTimeSeconds(SystemClock.Instance.GetCurrentInstant().ToUnixTimeSeconds() / 60 * 60) - Duration.FromHours(2);
var bars = Enumerable.Range(0, 120).Select(i => new StockPrice
{
    Symbol = i % 2 == 0 ? "AAPL" : "MSFT",
    Timestamp = start + Duration.FromMinutes(i / 2),
    OpenPrice = 100m + i,
    HighPrice = 101m + i,
    LowPrice = 99m + i,
    ClosePrice = 100.5m + i,
    Volume = 1_000 + i,
}).ToList();
var appended = await trading.Ingest.AppendAsync(bars);
Expect(appended.RowsWritten == 120, $"append wrote {appended.RowsWritten} rows, expected 120");
var replayed = await trading.Ingest.UpsertAsync(bars.Take(10).Select(b => b with { ClosePrice = b.ClosePrice + 0.25m }));
Expect(replayed.RowsWritten == 10, $"upsert wrote {replayed.RowsWritten} rows, expected 10");

var read = new List<StockPrice>();
await foreach (var bar in trading.Queries.ReadStockPricesAsync("AAPL", start, start + Duration.FromHours(1)))
{
    read.Add(bar);
}

Expect(read.Count == 60, $"read {read.Count} AAPL bars, expected 60");
Expect(read[0].ClosePrice == 100.75m && read[^1].ClosePrice == 218.5m, $"AAPL closes {read[0].ClosePrice} .. {read[^1].ClosePrice}, expected 100.75 .. 218.5");

var health = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
var entry = health.Entries["trading-timescale"];
Expect(entry.Status == HealthStatus.Healthy, $"health check {entry.Status}: {entry.Description}");
Expect(spans.Any(s => s.OperationName == "trading_timescale.ingest.append"), "no trading_timescale.ingest.append span");
await host.StopAsync();

// The tool, installed from the same feed; the connection goes through the environment, never the command line.
var tool = new ProcessStartInfo(toolPath, ["status", "--json"]) { RedirectStandardOutput = true, RedirectStandardError = true };
tool.Environment["TRADING_TIMESCALE_CONNECTION"] = database.ConnectionString;
using var process = Process.Start(tool)!;
var stdout = await process.StandardOutput.ReadToEndAsync();
var stderr = await process.StandardError.ReadToEndAsync();
await process.WaitForExitAsync();
Expect(process.ExitCode == 0, $"trading-timescale status --json exited {process.ExitCode}: {stderr.Trim()}");
using var status = JsonDocument.Parse(stdout);
Expect(status.RootElement.GetProperty("upToDate").GetBoolean(), "status --json: upToDate is false");
Expect(status.RootElement.GetProperty("database").GetString() == database.Name, $"status --json: database {status.RootElement.GetProperty("database")}");
var migrations = status.RootElement.GetProperty("migrations").GetArrayLength();
Expect(migrations > 5, $"status --json lists {migrations} migrations");

Console.WriteLine($"consumer: host, schema, health ({entry.Data["edition"]}), 130 rows ingested, 60 read, tool status with {migrations} migrations");
return 0;

static void Expect(bool condition, string failure)
{
    if (!condition)
    {
        throw new InvalidOperationException("consumer check failed: " + failure);
    }
}
