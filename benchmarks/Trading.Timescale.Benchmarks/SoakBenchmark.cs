using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using NodaTime;
using Trading.Timescale.Ingest;
using Trading.Timescale.Queries;
using Trading.Timescale.Testing;

namespace Trading.Timescale.Benchmarks;

/// <summary>
/// <c>soak</c>: 4 writers upserting bars of their own symbols and 4 readers running bar and RSI queries against one
/// server, for a set time; then the same run with one immediate-mode restart of the server (<c>pg_ctl -m immediate
/// restart</c>) in the middle. A writer that meets a failure past the library's retry budget keeps its batch and
/// writes it again, as a feed does; every acknowledged row is then looked up in the table.
/// </summary>
internal static class SoakBenchmark
{
    private const int Writers = 4;
    private const int Readers = 4;
    private const int SymbolsPerWriter = 5;
    private const int SecondsPerBatch = 10;
    private const int ReadSymbols = 20;
    private const int HistoryDays = 2;

    public static async Task<SoakResult> MeasureAsync(int seconds, Action<string> log, CancellationToken cancellationToken = default)
    {
        var configured = Environment.GetEnvironmentVariable(TradingConnectionString.EnvironmentVariable);
        // A cluster of its own, so it can be restarted; acknowledged commits must survive an immediate stop.
        await using var server = configured is null
            ? await TimescaleTestServer.StartAsync(
                new TimescaleTestServerOptions { ConnectionStringVariable = null, UseContainer = false, ServerSettings = { ["synchronous_commit"] = "on" } },
                cancellationToken)
            : await TimescaleTestServer.StartAsync(cancellationToken);
        var restartSkipped = server.Kind == TimescaleTestServerKind.LocalCluster
            ? null
            : $"the server comes from {TradingConnectionString.EnvironmentVariable} ({server.Describe()}), which this process did not start and cannot restart";

        log($"soak: {Writers} writers and {Readers} readers for {seconds} s on {server.Describe()}");
        var steady = await RunAsync(server, "soak", seconds, restart: false, log, cancellationToken);
        SoakRun? restarted = null;
        if (restartSkipped is null)
        {
            log($"soak: the same for {seconds} s with an immediate restart at {seconds / 2} s");
            restarted = await RunAsync(server, "soakrestart", seconds, restart: true, log, cancellationToken);
        }
        else
        {
            log($"soak: restart run skipped: {restartSkipped}");
        }

        return new SoakResult(
            seconds,
            Writers,
            Readers,
            server.Edition.ToString().ToLowerInvariant(),
            server.ServerInfo.TimescaleVersion,
            steady,
            restarted,
            restartSkipped,
            Load());
    }

    private static async Task<SoakRun> RunAsync(TimescaleTestServer server, string prefix, int seconds, bool restart, Action<string> log, CancellationToken cancellationToken)
    {
        await using var database = await server.CreateDatabaseAsync(prefix, cancellationToken);
        await using var trading = TradingDatabase.Create(database.ConnectionString);
        await trading.Schema.MigrateAsync(cancellationToken);
        var step = Duration.FromMinutes(1);
        var readFrom = Bars.Start;
        var readTo = Bars.Start + Duration.FromDays(HistoryDays);
        await trading.Ingest.AppendAsync(Bars.TradingDays(HistoryDays, ReadSymbols, step), cancellationToken: cancellationToken);
        await using (var analyze = trading.DataSource.CreateCommand("ANALYZE trading.stock_prices"))
        {
            await analyze.ExecuteNonQueryAsync(cancellationToken);
        }

        var writeStart = Bars.Start + Duration.FromDays(30);
        var latencies = new ConcurrentBag<double>();
        var acknowledged = new long[Writers];
        var writeErrors = 0L;
        var readErrors = 0L;
        var batches = 0L;
        var clock = Stopwatch.StartNew();
        var restartAt = TimeSpan.FromSeconds(seconds / 2.0);
        var restartStarted = TimeSpan.Zero;
        var recovered = new TimeSpan?[Writers];
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);

        async Task Writer(int writer)
        {
            var symbols = Enumerable.Range(0, SymbolsPerWriter).Select(s => "W" + ((writer * SymbolsPerWriter) + s).ToString("D3", CultureInfo.InvariantCulture)).ToArray();
            var second = 0L;
            while (!stop.IsCancellationRequested)
            {
                var batch = new List<StockPrice>(SymbolsPerWriter * SecondsPerBatch);
                for (var s = 0; s < SecondsPerBatch; s++, second++)
                {
                    foreach (var symbol in symbols)
                    {
                        var price = 100m + (second % 500 * 0.01m);
                        batch.Add(new StockPrice
                        {
                            Symbol = symbol,
                            Timestamp = writeStart + Duration.FromSeconds(second),
                            OpenPrice = price,
                            HighPrice = price + 0.1m,
                            LowPrice = price - 0.1m,
                            ClosePrice = price + 0.05m,
                            Volume = 1_000 + second,
                        });
                    }
                }

                // The batch is written until it is acknowledged, as a feed would: a failure is counted, not dropped.
                while (true)
                {
                    try
                    {
                        var result = await trading.Ingest.UpsertAsync(batch, cancellationToken: CancellationToken.None);
                        Interlocked.Add(ref acknowledged[writer], result.RowsWritten);
                        Interlocked.Increment(ref batches);
                        if (restartStarted > TimeSpan.Zero && recovered[writer] is null)
                        {
                            recovered[writer] = clock.Elapsed - restartStarted;
                        }

                        break;
                    }
                    catch (TradingIngestException ex) when (ex.IsTransient)
                    {
                        Interlocked.Increment(ref writeErrors);
                        await Task.Delay(500, CancellationToken.None);
                    }
                }
            }
        }

        async Task Reader(int reader)
        {
            var turn = reader;
            while (!stop.IsCancellationRequested)
            {
                var symbol = "SYM" + (turn % ReadSymbols).ToString("D4", CultureInfo.InvariantCulture);
                var watch = Stopwatch.StartNew();
                try
                {
                    var count = turn % 2 == 0
                        ? (await trading.Queries.Bars(symbol, BarInterval.FiveMinutes).Between(readFrom, readTo).ToListAsync(CancellationToken.None)).Count
                        : (await trading.Queries.Rsi(symbol, BarInterval.FiveMinutes).Between(readFrom, readTo).ToListAsync(CancellationToken.None)).Count;
                    if (count == 0)
                    {
                        throw new InvalidOperationException($"the {(turn % 2 == 0 ? "bar" : "RSI")} query of {symbol} returned no rows");
                    }

                    latencies.Add(watch.Elapsed.TotalMilliseconds);
                }
                catch (Exception ex) when (ex is Npgsql.NpgsqlException or TradingTimescaleException)
                {
                    Interlocked.Increment(ref readErrors);
                    await Task.Delay(200, CancellationToken.None);
                }

                turn += Readers;
            }
        }

        var tasks = Enumerable.Range(0, Writers).Select(w => Task.Run(() => Writer(w), CancellationToken.None))
            .Concat(Enumerable.Range(0, Readers).Select(r => Task.Run(() => Reader(r), CancellationToken.None)))
            .ToArray();
        double? restartSeconds = null;
        if (restart)
        {
            await Task.Delay(restartAt, cancellationToken);
            restartStarted = clock.Elapsed;
            var watch = Stopwatch.StartNew();
            await server.RestartServerAsync(cancellationToken);
            restartSeconds = Math.Round(watch.Elapsed.TotalSeconds, 2);
            log($"soak: the server restarted in {restartSeconds} s");
            await Task.Delay(TimeSpan.FromSeconds(seconds) - clock.Elapsed, cancellationToken);
        }
        else
        {
            await Task.Delay(TimeSpan.FromSeconds(seconds), cancellationToken);
        }

        await stop.CancelAsync();
        await Task.WhenAll(tasks);
        var elapsed = clock.Elapsed.TotalSeconds;

        await using var count = trading.DataSource.CreateCommand("SELECT count(*), count(DISTINCT (symbol, timestamp)) FROM trading.stock_prices WHERE symbol LIKE 'W%'");
        await using var reader = await count.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var (stored, distinct) = (reader.GetInt64(0), reader.GetInt64(1));
        var acked = acknowledged.Sum();
        var sorted = latencies.Order().ToArray();
        double Percentile(double p) => sorted.Length == 0 ? 0 : Math.Round(sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)], 2);
        var run = new SoakRun(
            Math.Round(elapsed, 1),
            acked,
            batches,
            Math.Round(acked / elapsed),
            sorted.Length,
            Percentile(0.5),
            Percentile(0.99),
            writeErrors,
            readErrors,
            stored,
            Math.Max(0, acked - stored),
            stored - distinct,
            Math.Max(0, stored - acked),
            restartSeconds,
            restart && recovered.All(r => r is not null) ? Math.Round(recovered.Max(r => r!.Value.TotalSeconds), 2) : null);
        log($"soak{(restart ? " with restart" : string.Empty)}: {run.rowsPerSecond} rows/s, p50 {run.queryP50Ms} ms, p99 {run.queryP99Ms} ms, " +
            $"{run.writeErrors} write and {run.readErrors} read errors, {run.rowsLost} lost, {run.rowsDuplicated} duplicated");
        return run;
    }

    /// <summary>The 1-, 5- and 15-minute load averages when the run ended (Linux), else null.</summary>
    private static double[]? Load()
    {
        try
        {
            return File.ReadAllText("/proc/loadavg").Split(' ').Take(3).Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }

    /// <summary>One soak run. Latencies in milliseconds over every read; rows lost: acknowledged but not stored.</summary>
    internal sealed record SoakRun(
        double seconds,
        long rowsAcknowledged,
        long batchesAcknowledged,
        double rowsPerSecond,
        long queries,
        double queryP50Ms,
        double queryP99Ms,
        long writeErrors,
        long readErrors,
        long rowsStored,
        long rowsLost,
        long rowsDuplicated,
        long rowsStoredUnacknowledged,
        double? restartSeconds,
        double? secondsToRecover);

    internal sealed record SoakResult(
        int seconds,
        int writers,
        int readers,
        string edition,
        string? timescaleVersion,
        SoakRun steady,
        SoakRun? withRestart,
        string? restartSkipped,
        double[]? loadAverage);
}
