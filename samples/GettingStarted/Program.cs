using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Trading.Timescale;
using Trading.Timescale.Ingest;
using Trading.Timescale.Queries;

var builder = WebApplication.CreateBuilder(args);
builder.Services
    .AddTradingTimescale(builder.Configuration.GetSection("TradingTimescale")) // TradingTimescale:ConnectionString
    .ApplySchemaOnStartup();                                                 // install or upgrade the schema at start-up
builder.Services.AddHealthChecks().AddTradingTimescale();
builder.Services.AddOpenTelemetry()
    .WithTracing(tracing => tracing.AddTradingTimescaleInstrumentation().AddConsoleExporter())
    .WithMetrics(metrics => metrics.AddTradingTimescaleInstrumentation().AddConsoleExporter());

var app = builder.Build();
app.MapHealthChecks("/health");

// POST /bars: CSV with a header row (symbol,timestamp,open_price,high_price,low_price,close_price,volume),
// validated row by row and written with binary COPY.
app.MapPost("/bars", async (HttpRequest request, TradingDatabase trading, CancellationToken ct) =>
{
    try
    {
        var bars = TradingCsv.ReadAsync<StockPrice>(request.Body, ct);
        var result = await trading.Ingest.AppendAsync(bars, cancellationToken: ct);
        return Results.Text($"rows written: {result.RowsWritten}\n");
    }
    catch (Exception e) when (e is FormatException or TradingIngestException)
    {
        return Results.BadRequest(e.Message);
    }
});

// GET /rsi/AAPL: the 14-period RSI of the symbol's 1-minute bars, the newest three.
app.MapGet("/rsi/{symbol}", async (string symbol, TradingDatabase trading, CancellationToken ct) =>
{
    var points = await trading.Queries.Rsi(symbol, BarInterval.OneMinute, period: 14).ToListAsync(ct);
    var lines = points.TakeLast(3).Select(p => $"{symbol} close {p.ClosePrice:F2} rsi {p.Rsi:F2}");
    return Results.Text(string.Join('\n', lines) + "\n");
});

app.Run();
