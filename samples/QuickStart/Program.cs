using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Npgsql;
using Trading.Timescale;
using Trading.Timescale.Ingest;
using Trading.Timescale.Positions;
using Trading.Timescale.Schema;
using Trading.Timescale.Testing;

namespace QuickStart;

/// <summary>
/// The Trading.Timescale quick start: connect to the configured server, or start a throwaway local one when
/// none is configured, and show what it is.
/// </summary>
internal static class Program
{
    private static readonly string[] ConnectionVariables = [TradingConnectionString.EnvironmentVariable, "DATABASE_URL", "DB_HOST"];

    public static async Task<int> Main()
    {
        using var cancellation = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancellation.Cancel();
        };
        var ct = cancellation.Token;

        // 1. A server: the configured one, else a throwaway one from Trading.Timescale.Testing
        //    (Docker when it answers, else a local cluster); disposing it stops and deletes it.
        TimescaleTestServer? throwaway = null;
        try
        {
            string connectionString;
            string how;
            if (TradingConnectionString.FromEnvironment() is { } configured)
            {
                connectionString = configured;
                how = $"the server configured by {ConnectionVariables.First(v => !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(v)))}" +
                      $" ({TradingConnectionString.Redact(configured)})";
            }
            else
            {
                Console.WriteLine($"No server configured ({string.Join(", ", ConnectionVariables)} are unset): starting a throwaway one...");
                throwaway = await TimescaleTestServer.StartAsync(ct);
                connectionString = (await throwaway.CreateDatabaseAsync("quickstart", ct)).ConnectionString;
                how = throwaway.Kind switch
                {
                    TimescaleTestServerKind.LocalCluster => "a throwaway local cluster (stopped and deleted at exit)",
                    TimescaleTestServerKind.Container => "a throwaway Docker container (removed at exit)",
                    _ => "an existing server",
                };
                Console.WriteLine($"Started {throwaway.Describe()}");
            }

            var dataSourceBuilder = new NpgsqlDataSourceBuilder(connectionString);
            dataSourceBuilder.UseNodaTime();
            await using var dataSource = dataSourceBuilder.Build();

            TimescaleServerInfo info;
            await using (var connection = await dataSource.OpenConnectionAsync(ct))
            {
                info = await TimescaleServerInfo.DetectAsync(connection, ct);
            }

            Console.WriteLine($"Connected to {how}:");
            Console.WriteLine($"  PostgreSQL  {info.ServerVersion}");
            Console.WriteLine($"  TimescaleDB {info.TimescaleVersion ?? "not available"}");
            Console.WriteLine($"  edition     {info.Edition.ToString().ToLowerInvariant()}");

            // 2. The demo proper.
            await RunAsync(dataSource, connectionString, ct);
            return 0;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            Console.Error.WriteLine("Cancelled.");
            return 130;
        }
        finally
        {
            if (throwaway is not null)
            {
                await throwaway.DisposeAsync();
            }
        }
    }

    /// <summary>What the demo does with the database, in the order a service would.</summary>
    private static async Task RunAsync(NpgsqlDataSource dataSource, string connectionString, CancellationToken ct)
    {
        // The library as a service uses it: registered once, resolved as TradingDatabase.
        var services = new ServiceCollection();
        services.AddSingleton(dataSource);
        services.AddTradingTimescale(connectionString);
        await using var provider = services.BuildServiceProvider(validateScopes: true);
        var trading = provider.GetRequiredService<TradingDatabase>();

        Section("Schema");
        var report = await trading.Schema.MigrateAsync(ct);
        Console.WriteLine($"  applied {report.Applied.Count} file(s) for the {report.Edition.ToString().ToLowerInvariant()} edition in {report.Elapsed.TotalSeconds:0.0} s");
        var status = await trading.Schema.GetStatusAsync(ct);
        Console.WriteLine($"  {status.Migrations.Count} migrations, {(status.IsUpToDate ? "up to date" : $"{status.Pending.Count} pending")}");
        var health = await trading.Schema.CheckHealthAsync(ct);
        Console.WriteLine($"  hypertables: {string.Join(", ", health.Hypertables.Select(h => $"{h.Name} ({h.ChunkCount} chunks)"))}");
        Console.WriteLine($"  continuous aggregates: {Feature(health.ContinuousAggregates)}");
        Console.WriteLine($"  policies and jobs:     {Feature(health.Jobs)}");
        Console.WriteLine($"  compression:           {Feature(health.Compression)}");
        Console.WriteLine($"  healthy: {health.IsHealthy}{string.Concat(health.Problems.Select(p => $"\n    problem: {p}"))}");

        Section("Ingest");
        var now = SystemClock.Instance.GetCurrentInstant();
        var start = now - Duration.FromMinutes(390);
        var bars = SampleData.Bars(["AAPL", "MSFT", "SPY"], start, minutes: 390).ToList();
        var appended = await trading.Ingest.AppendAsync(bars, cancellationToken: ct);
        Console.WriteLine($"  append: {appended.RowsWritten:N0} one-minute bars in {appended.Elapsed.TotalMilliseconds:N0} ms (binary COPY)");
        var replayed = await trading.Ingest.UpsertAsync(bars, cancellationToken: ct);
        Console.WriteLine($"  replay: {replayed.RowsRead:N0} bars read, {replayed.RowsChanged:N0} rows changed; the table still holds {await CountAsync(dataSource, "trading.stock_prices", ct):N0}");
        var lastAapl = bars.Last(b => b.Symbol == "AAPL");
        var chain = SampleData.OptionChain("AAPL", lastAapl.ClosePrice!.Value, now).ToList();
        var quotes = await trading.Ingest.UpsertAsync(chain, cancellationToken: ct);
        Console.WriteLine($"  options: {quotes.RowsWritten:N0} AAPL quotes (upsert)");
        var signalId = await trading.Ingest.WriteSignalAsync(new TradingSignal
        {
            Symbol = "AAPL", SignalType = SignalType.Buy, Confidence = 0.87m, TargetPrice = lastAapl.ClosePrice + 5m,
            StopLoss = lastAapl.ClosePrice - 3m, ModelVersion = "demo-1", Reasoning = "momentum above the 5-minute vwap", Timestamp = now,
        }, ct);
        Console.WriteLine($"  signal {signalId} written");
        try
        {
            var broken = bars[0] with { Timestamp = now, HighPrice = bars[0].LowPrice - 1m };
            await trading.Ingest.AppendAsync([bars[0] with { Timestamp = now - Duration.FromSeconds(1) }, broken], cancellationToken: ct);
        }
        catch (IngestValidationException ex)
        {
            Console.WriteLine($"  a bad batch is refused whole, nothing written: {ex.Errors[0]}");
        }

        Section("Latest prices (primary-key lookups, not a hypertable scan)");
        foreach (var bar in await trading.Queries.GetLatestStockPricesAsync(cancellationToken: ct))
        {
            Console.WriteLine($"  {bar.Symbol,-5} {bar.Timestamp:yyyy-MM-dd HH:mm}  close {bar.ClosePrice,9:N2}  volume {bar.Volume,9:N0}");
        }

        Section("5-minute bars for AAPL (the spec's query)");
        await PrintQueryAsync(dataSource, """
            SELECT bucket, open, high, low, close, volume FROM trading.stock_prices_5m
            WHERE symbol = 'AAPL' AND bucket >= NOW() - INTERVAL '1 day'
            ORDER BY bucket DESC LIMIT 5
            """, ct);

        Section("Put/call ratio over the last day (the spec's query)");
        await PrintQueryAsync(dataSource, """
            SELECT underlying_symbol,
                SUM(CASE WHEN option_type = 'PUT' THEN volume ELSE 0 END) as put_volume,
                SUM(CASE WHEN option_type = 'CALL' THEN volume ELSE 0 END) as call_volume,
                CASE WHEN SUM(CASE WHEN option_type = 'CALL' THEN volume ELSE 0 END) > 0
                    THEN round(SUM(CASE WHEN option_type = 'PUT' THEN volume ELSE 0 END)::DECIMAL /
                         SUM(CASE WHEN option_type = 'CALL' THEN volume ELSE 0 END)::DECIMAL, 4)
                    ELSE NULL END as put_call_ratio
            FROM trading.options_data WHERE timestamp >= NOW() - INTERVAL '1 day'
            GROUP BY underlying_symbol
            """, ct);

        Section("Positions");
        var opened = await trading.Positions.OpenAsync(
            new OpenPositionRequest("AAPL", 100m, bars.First(b => b.Symbol == "AAPL").ClosePrice!.Value) { SignalId = signalId, SignalTimestamp = now }, ct);
        Console.WriteLine($"  opened position {opened.Position.Id}: long 100 AAPL at {opened.Position.AverageCost:N2}");
        var marks = await trading.Positions.MarkToMarketAsync(cancellationToken: ct);
        var summary = await trading.Positions.GetPortfolioSummaryAsync(cancellationToken: ct);
        Console.WriteLine($"  marked {marks.Marked.Count}, unmarked {marks.Unmarked.Count}; net exposure {summary.NetExposure:N2}, unrealized P&L {summary.UnrealizedPnl:N2}");
    }

    private static string Feature<T>(SchemaFeatureHealth<T> feature) =>
        feature.Available ? $"{feature.Items.Count} present" : $"unavailable ({feature.UnavailableReason})";

    private static void Section(string title) => Console.WriteLine($"\n== {title}");

    private static async Task<long> CountAsync(NpgsqlDataSource dataSource, string table, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand($"SELECT count(*) FROM {table}");
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    private static async Task PrintQueryAsync(NpgsqlDataSource dataSource, string sql, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync(ct);
        Console.WriteLine("  " + string.Join(" | ", Enumerable.Range(0, reader.FieldCount).Select(reader.GetName)));
        while (await reader.ReadAsync(ct))
        {
            Console.WriteLine("  " + string.Join(" | ", Enumerable.Range(0, reader.FieldCount).Select(i => Format(reader.GetValue(i)))));
        }
    }

    private static string Format(object value) => value switch
    {
        DBNull => "null",
        Instant instant => instant.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
        decimal d => d.ToString("0.####", CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty,
    };
}
