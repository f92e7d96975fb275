using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using NodaTime;
using Npgsql;
using Trading.Timescale.Queries;
using Trading.Timescale.ScaleOut;
using Trading.Timescale.Testing;

namespace Trading.Timescale.Benchmarks;

/// <summary>
/// <c>replicas</c>: indicator queries per second (RSI 14 over 5-minute bars of a random symbol) from concurrent readers,
/// against a primary and one streaming standby started on this machine, in the same process: reads from the primary
/// only, from the standby only (<see cref="ReadFrom.PreferStandby"/>), and spread over both (Npgsql load balancing over
/// every host). Both servers share this machine's cores, so the spread run measures routing cost, not added capacity.
/// </summary>
internal static class ScaleOutBenchmark
{
    private const int Symbols = 20;
    private const int HistoryDays = 2;

    public static async Task<int> RunAsync(string[] args)
    {
        var seconds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10;
        var readers = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 4;
        var result = await MeasureAsync(seconds, readers, m => Console.Error.WriteLine(m));
        Console.WriteLine(JsonSerializer.Serialize(result, new JsonSerializerOptions { WriteIndented = true }));
        return 0;
    }

    /// <summary>Reads from the primary only, the standby only and spread over both, <paramref name="seconds"/> each, in one process.</summary>
    public static async Task<object> MeasureAsync(int seconds, int readers, Action<string> log)
    {
        var ct = CancellationToken.None;
        await using var primary = await TimescaleTestServer.StartAsync(
            new TimescaleTestServerOptions { ConnectionStringVariable = null, UseContainer = false }, ct);
        await using var standby = await primary.AddStandbyAsync(ct);
        await using var database = await primary.CreateDatabaseAsync("replicas", ct);
        var multiHost = primary.MultiHostConnectionString(database, standby);
        await using var trading = TradingDatabase.Create(multiHost);
        await trading.Schema.MigrateAsync(ct);
        var written = await trading.Ingest.AppendAsync(Bars.TradingDays(HistoryDays, Symbols, Duration.FromMinutes(1)), cancellationToken: ct);
        await using (var analyze = trading.PrimaryDataSource.CreateCommand("ANALYZE trading.stock_prices"))
        {
            await analyze.ExecuteNonQueryAsync(ct);
        }

        await standby.WaitForReplayAsync(ct);
        log($"replicas: {written.RowsWritten:N0} bars on {primary.Describe()} and a standby on 127.0.0.1:{standby.Port}; {readers} readers, {seconds} s per run");

        await using var onPrimary = TradingDatabase.Create(multiHost, o => o.ReadFrom = ReadFrom.Primary);
        var primaryOnly = await MeasureAsync("primary only", onPrimary.Queries, readers, seconds, ct);
        var standbyOnly = await MeasureAsync("standby only", trading.Queries, readers, seconds, ct);
        var spreadString = new NpgsqlConnectionStringBuilder(multiHost) { LoadBalanceHosts = true }.ConnectionString;
        await using var spreadSource = TradingDataSource.Create(spreadString);
        var spread = await MeasureAsync("spread over primary and standby", new TradingQueries(spreadSource), readers, seconds, ct);
        log($"replicas: primary only {primaryOnly.QueriesPerSecond} q/s, standby only {standbyOnly.QueriesPerSecond} q/s, spread {spread.QueriesPerSecond} q/s");

        return new
        {
            edition = primary.Edition.ToString().ToLowerInvariant(),
            timescaleVersion = primary.ServerInfo.TimescaleVersion,
            bars = written.RowsWritten,
            readers,
            secondsPerRun = seconds,
            primaryOnly,
            standbyOnly,
            spread,
            spreadVsPrimary = Math.Round(spread.QueriesPerSecond / primaryOnly.QueriesPerSecond, 3),
            standbyVsPrimary = Math.Round(standbyOnly.QueriesPerSecond / primaryOnly.QueriesPerSecond, 3),
            processors = Environment.ProcessorCount,
            load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : null,
        };
    }

    private static async Task<ReadRun> MeasureAsync(string name, TradingQueries queries, int readers, int seconds, CancellationToken cancellationToken)
    {
        // One warm-up query per reader, then the timed run.
        await Task.WhenAll(Enumerable.Range(0, readers).Select(r => queries.Rsi(Symbol(r % Symbols), BarInterval.FiveMinutes).ToListAsync(cancellationToken)));
        var counts = new long[readers];
        var points = new long[readers];
        var clock = Stopwatch.StartNew();
        var until = TimeSpan.FromSeconds(seconds);
        await Task.WhenAll(Enumerable.Range(0, readers).Select(reader => Task.Run(async () =>
        {
            var random = new Random(reader);
            while (clock.Elapsed < until)
            {
                var rows = await queries.Rsi(Symbol(random.Next(Symbols)), BarInterval.FiveMinutes).ToListAsync(cancellationToken);
                counts[reader]++;
                points[reader] += rows.Count;
            }
        }, cancellationToken)));
        var elapsed = clock.Elapsed.TotalSeconds;
        var run = new ReadRun(counts.Sum(), Math.Round(counts.Sum() / elapsed, 1), points.Sum() / Math.Max(1, counts.Sum()));
        Console.Error.WriteLine($"replicas: {name}: {run.Queries:N0} queries, {run.QueriesPerSecond:N1} queries/s");
        return run;
    }

    /// <summary>The symbol names of <see cref="Bars.TradingDays"/>.</summary>
    private static string Symbol(int index) => "SYM" + index.ToString("D4", CultureInfo.InvariantCulture);

    internal sealed record ReadRun(long Queries, double QueriesPerSecond, long PointsPerQuery);
}
