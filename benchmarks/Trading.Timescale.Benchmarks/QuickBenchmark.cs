using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using NodaTime;
using Trading.Timescale.Ingest;
using Trading.Timescale.Queries;

namespace Trading.Timescale.Benchmarks;

/// <summary>
/// <c>quick</c>: every ingest path on the same generated bars, in one process, a few runs each (median), printed as one
/// JSON object. Each path starts from truncated tables after a checkpoint.
/// </summary>
internal static class QuickBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        // Rows per ingest pair: the figures are ratios against a raw COPY of the same rows, so 150,000 (300 one-minute
        // bars of 500 symbols) keep the whole bench under ten minutes on 2 cores; --rows and --runs buy precision.
        var rows = Option(args, "--rows", 150_000);
        var importRows = Option(args, "--import-rows", 300_000);
        var symbols = Option(args, "--symbols", 500);
        var runs = Option(args, "--runs", 3);
        var days = Option(args, "--days", 30);
        var soakSeconds = Option(args, "--soak-seconds", 20);
        var total = Stopwatch.StartNew();

        await using var db = await BenchmarkDatabase.CreateAsync();
        var clock = new FixedClock(Bars.Start + Duration.FromDays(400));
        var ingest = new TradingIngest(db.DataSource, clock: clock);
        var queries = new TradingQueries(db.DataSource);
        var data = Bars.Generate(rows, symbols, Bars.Start, Duration.FromMinutes(1));
        var changed = Bars.Generate(rows, symbols, Bars.Start, Duration.FromMinutes(1), shift: 1m);
        var perBatch = IngestOptions.Default with { TransactionMode = IngestTransactionMode.TransactionPerBatch };
        var readFrom = Bars.Start;
        var readTo = Bars.Start + Duration.FromMinutes((rows / symbols) + 1);
        var names = data.Take(symbols).Select(r => r.Symbol).ToArray();

        var samples = new Dictionary<string, List<double>>();
        void Add(string name, double value) => (samples.TryGetValue(name, out var list) ? list : samples[name] = []).Add(value);

        async Task<double> Measure(Func<Task> action)
        {
            var watch = Stopwatch.StartNew();
            await action();
            return rows / watch.Elapsed.TotalSeconds;
        }

        // The import benchmark's file: the same bars as CSV, every column filled.
        var csvFile = Path.Combine(Path.GetTempPath(), $"trading-timescale-bench-{Environment.ProcessId}.csv");
        // 300,000 rows by default, so the CLI's process start stays a small part of what is compared.
        BarsCsv.Write(csvFile, importRows, symbols);
        var processes = ImportProcesses.Locate(db.ConnectionString);

        Log($"warming up on {db.ServerInfo}");
        var warm = data.Take(20_000).ToArray();
        await db.ResetAsync();
        await Baselines.RawCopyAsync(db.DataSource, warm);
        await db.ResetAsync();
        await Baselines.MultiRowInsertAsync(db.DataSource, warm);
        await db.ResetAsync();
        await ingest.AppendAsync(warm);
        await db.ResetAsync();
        await ingest.UpsertAsync(warm);
        await ingest.UpsertAsync(warm);
        foreach (var name in names.Take(20))
        {
            await Baselines.RawReadAsync(db.DataSource, name, readFrom, readTo);
            await ReadTypedAsync(queries, name, readFrom, readTo);
        }

        // The machine is shared, so throughput drifts; every path is measured right next to a raw COPY (alternating
        // which goes first) and its ratio is the median of those pairs. Each write starts from empty tables.
        var ratios = new Dictionary<string, List<double>>();
        void AddRatio(string name, double value) => (ratios.TryGetValue(name, out var list) ? list : ratios[name] = []).Add(value);
        async Task Pair(int run, string name, Func<Task> action, Func<Task>? prepare = null)
        {
            double raw, path;
            if (run % 2 == 0)
            {
                await db.ResetAsync();
                raw = await Measure(() => Baselines.RawCopyAsync(db.DataSource, data));
                await db.ResetAsync();
                if (prepare is not null)
                {
                    await prepare();
                }

                path = await Measure(action);
            }
            else
            {
                await db.ResetAsync();
                if (prepare is not null)
                {
                    await prepare();
                }

                path = await Measure(action);
                await db.ResetAsync();
                raw = await Measure(() => Baselines.RawCopyAsync(db.DataSource, data));
            }

            Add("rawCopy", raw);
            Add(name, path);
            AddRatio(name, path / raw);
        }

        for (var run = 1; run <= runs; run++)
        {
            Log($"run {run}/{runs}");
            await Pair(run, "append", () => ingest.AppendAsync(data));
            await Pair(run, "appendTransactionPerBatch", () => ingest.AppendAsync(data, perBatch));
            await Pair(run, "upsertEmpty", () => ingest.UpsertAsync(data));
            await Pair(run, "upsertReplayChanged", () => ingest.UpsertAsync(changed), () => ingest.AppendAsync(data));
            await Pair(run, "upsertReplayUnchanged", () => ingest.UpsertAsync(data), () => ingest.AppendAsync(data));
            if (run <= 3)
            {
                await Pair(run, "multiRowInsert", () => Baselines.MultiRowInsertAsync(db.DataSource, data));
            }

            // The CLI import process against psql's \copy of the same file, alternating which goes first.
            var times = new double[2];
            for (var pass = 0; pass < 2; pass++)
            {
                await db.ResetAsync();
                var cliTurn = (run + pass) % 2 == 0;
                times[cliTurn ? 0 : 1] = cliTurn ? processes.Cli(csvFile) : processes.Psql(csvFile);
                if (cliTurn && await db.ScalarAsync<long>("SELECT count(*) FROM trading.latest_stock_prices") != symbols)
                {
                    throw new InvalidOperationException("The CLI import did not keep the latest snapshot.");
                }
            }

            Add("cliImport", importRows / times[0]);
            Add("psqlCopy", importRows / times[1]);
            AddRatio("importVsPsqlCopy", times[1] / times[0]);

            // Reads: the table holds the rows once; the raw and typed loops alternate order per run.
            await db.ResetAsync();
            await ingest.AppendAsync(data);
            var reads = new double[2];
            await db.ExecuteAsync("VACUUM ANALYZE trading.stock_prices");
            for (var pass = 0; pass < 2; pass++)
            {
                if ((run + pass) % 2 == 0)
                {
                    Add("rawRead", reads[0] = await Measure(async () =>
                    {
                        foreach (var name in names)
                        {
                            await Baselines.RawReadAsync(db.DataSource, name, readFrom, readTo);
                        }
                    }));
                }
                else
                {
                    Add("typedRead", reads[1] = await Measure(async () =>
                    {
                        foreach (var name in names)
                        {
                            await ReadTypedAsync(queries, name, readFrom, readTo);
                        }
                    }));
                }
            }

            AddRatio("typedRead", reads[1] / reads[0]);
        }

        var perSecond = samples.ToDictionary(s => s.Key, s => Math.Round(Median(s.Value)));
        double Ratio(string path) => Math.Round(Median(ratios[path]), 3);

        var live = await LiveBenchmarks.MeasureAsync(db, ingest, data, runs, Option(args, "--live-samples", 200), Log);

        Log($"latest snapshot: {symbols} symbols, {days} days of 5-minute bars");
        var latest = await MeasureLatestAsync(db, ingest, symbols, days);

        // Refresh and reads: a second database holding days x 390 one-minute bars per symbol, aggregates materialized.
        await using var history = await db.CreateSiblingAsync("refresh");
        var refresh = await RefreshBenchmarks.MeasureAsync(history, symbols, days, Math.Min(runs, 5), Log);
        var rsi = await IndicatorBenchmarks.MeasureRsiAsync(history);
        Log($"RSI-14, one day of 5-minute bars: {rsi.OneDayMedianMs} ms; the whole 30 days: {rsi.FullHistoryMedianMs} ms");
        var queryTimings = await QueryBenchmarks.MeasureAsync(history, symbols, days, Math.Min(runs, 5), Log);
        // On apache the 5-minute bars are a view over the raw rows: every computed screen and export pass aggregates them,
        // so fewer calls and a shorter export range keep the run under 10 minutes (both figures are per call or row).
        var materialized = history.ServerInfo.Edition == Schema.TimescaleEdition.Community;
        // The screen without state (every symbol computed from its bars), then after trading.refresh_screen_state (screen.ms).
        var screenComputed = await ScreenBenchmarks.MeasureAsync(history, symbols, days, Log, calls: 2, warmUps: 1);
        var stateWatch = System.Diagnostics.Stopwatch.StartNew();
        await history.ExecuteAsync("CALL trading.refresh_screen_state(ARRAY['5 minutes'])");
        var screenStateRefreshSeconds = Math.Round(stateWatch.Elapsed.TotalSeconds, 1);
        Log($"screen: trading.refresh_screen_state(5 minutes) from nothing in {screenStateRefreshSeconds} s");
        await history.ExecuteAsync("VACUUM ANALYZE trading.screen_states");
        var screen = await ScreenBenchmarks.MeasureAsync(history, symbols, days, Log, calls: Option(args, "--screen-calls", 5), warmUps: 1);
        var export = await ExportBenchmarks.MeasureAsync(history, symbols, days, Math.Clamp(runs - 1, 2, 5), Option(args, "--feature-days", 1), Option(args, "--feature-symbols", 20), Log,
            exportDays: Option(args, "--export-days", materialized ? days : Math.Min(days, 10)));

        var soak = soakSeconds > 0 ? await SoakBenchmark.MeasureAsync(soakSeconds, Log) : null;
        var replicas = await ScaleOutBenchmark.MeasureAsync(Option(args, "--replica-seconds", 4), readers: 4, Log);

        var info = db.ServerInfo;
        var edition = info.Edition.ToString().ToLowerInvariant();
        var result = new
        {
            benchmark = "Trading.Timescale quick benchmark",
            command = "dotnet run -c Release --project benchmarks/Trading.Timescale.Benchmarks -- quick",
            edition,
            timescaleVersion = info.TimescaleVersion,
            machine = new
            {
                cores = Environment.ProcessorCount,
                os = RuntimeInformation.OSDescription,
                runtime = RuntimeInformation.FrameworkDescription,
            },
            server = new { postgres = info.ServerVersion, timescaledb = info.TimescaleVersion, edition },
            workload = new
            {
                rows,
                importRows,
                symbols,
                runs,
                batchSize = IngestOptions.DefaultBatchSize,
                statistic = "rowsPerSecond: median of all samples; ratios: median of per-pair ratios, each path measured next to a raw COPY (reads: typed next to raw)",
            },
            rowsPerSecond = perSecond,
            samples = samples.ToDictionary(s => s.Key, s => s.Value.Select(v => Math.Round(v)).ToArray()),
            pairRatios = ratios.ToDictionary(r => r.Key, r => r.Value.Select(v => Math.Round(v, 3)).ToArray()),
            ratios = new
            {
                appendVsRawCopy = Ratio("append"),
                appendTransactionPerBatchVsRawCopy = Ratio("appendTransactionPerBatch"),
                multiRowInsertVsRawCopy = Ratio("multiRowInsert"),
                upsertEmptyVsRawCopy = Ratio("upsertEmpty"),
                upsertReplayChangedVsRawCopy = Ratio("upsertReplayChanged"),
                upsertReplayUnchangedVsRawCopy = Ratio("upsertReplayUnchanged"),
                typedReadVsRawReader = Ratio("typedRead"),
                importVsPsqlCopy = Ratio("importVsPsqlCopy"),
            },
            latest,
            live,
            refresh,
            rsi14OneDayOf5mBarsMedianMs = rsi.OneDayMedianMs,
            queries = queryTimings,
            screen,
            screenComputed = new { screenComputed.ms, screenComputed.minMs, screenComputed.maxMs },
            screenStateRefreshSeconds,
            export,
            soak,
            replicas,
            targets = new
            {
                rsi14OneDayOf5mBarsMedianMs = new { target = 3.0, met = rsi.OneDayMedianMs < 3 },
                screenMs = new { target = 100.0, met = screen.ms < 100 },
                materializeVsRawCopy = refresh.materialize is { } m ? new { target = 0.25, met = m.vsRawCopy >= 0.25 } : null,
                steadyStateRefreshSeconds = refresh.steadyState is { } r ? new { target = 1.0, met = r.medianSeconds < 1 } : null,
                barsOneSymbolSpeedup = new { target = 20.0, met = queryTimings.bars.oneSymbol.speedup >= 20 },
                appendVsRawCopy = new { target = 0.95, met = Ratio("append") >= 0.95 },
                upsertEmptyVsRawCopy = new { target = 0.5, met = Ratio("upsertEmpty") >= 0.5 },
                upsertReplayChangedVsRawCopy = new { target = 0.5, met = Ratio("upsertReplayChanged") >= 0.5 },
                typedReadVsRawReader = new { target = 0.9, met = Ratio("typedRead") >= 0.9 },
                latestSpeedup = new { target = 20.0, met = latest.speedup >= 20 },
                liveLatencyP50Ms = live.latencyP50Target,
                liveTriggerSlowdown = live.triggerSlowdownTarget,
                importVsPsqlCopy = new { target = 0.8, met = Ratio("importVsPsqlCopy") >= 0.8 },
                soakErrors = soak is null ? null : new { target = 0L, met = soak.steady.writeErrors + soak.steady.readErrors == 0 },
                soakRowsLostOrDuplicated = soak?.withRestart is { } restarted ? new { target = 0L, met = restarted.rowsLost + restarted.rowsDuplicated == 0 } : null,
            },
            elapsedSeconds = Math.Round(total.Elapsed.TotalSeconds),
        };
        File.Delete(csvFile);
        Console.WriteLine(JsonSerializer.Serialize(result, new JsonSerializerOptions { WriteIndented = true }));
        return 0;
    }

    /// <summary><c>live</c>: only the live part of <c>quick</c> (latency and trigger cost), printed as one JSON object.</summary>
    public static async Task<int> RunLiveAsync(string[] args)
    {
        var rows = Option(args, "--rows", 300_000);
        var symbols = Option(args, "--symbols", 500);
        var runs = Option(args, "--runs", 5);
        var total = Stopwatch.StartNew();
        await using var db = await BenchmarkDatabase.CreateAsync();
        Log($"live on {db.ServerInfo}");
        var ingest = new TradingIngest(db.DataSource, clock: new FixedClock(Bars.Start + Duration.FromDays(400)));
        var data = Bars.Generate(rows, symbols, Bars.Start, Duration.FromMinutes(1));
        await ingest.AppendAsync(data.Take(20_000));
        var live = await LiveBenchmarks.MeasureAsync(db, ingest, data, runs, Option(args, "--live-samples", 200), Log);
        var info = db.ServerInfo;
        Console.WriteLine(JsonSerializer.Serialize(
            new
            {
                benchmark = "Trading.Timescale live benchmark",
                command = "dotnet run -c Release --project benchmarks/Trading.Timescale.Benchmarks -- live",
                edition = info.Edition.ToString().ToLowerInvariant(),
                timescaleVersion = info.TimescaleVersion,
                server = new { postgres = info.ServerVersion },
                machine = new { cores = Environment.ProcessorCount },
                workload = new { rows, symbols, runs },
                live,
                elapsedSeconds = Math.Round(total.Elapsed.TotalSeconds),
            },
            new JsonSerializerOptions { WriteIndented = true }));
        return 0;
    }

    /// <summary><c>soak</c>: only the soak part of <c>quick</c> (<c>--seconds</c>, 60 by default), printed as one JSON object.</summary>
    public static async Task<int> RunSoakAsync(string[] args)
    {
        var seconds = Option(args, "--seconds", 60);
        var total = Stopwatch.StartNew();
        var soak = await SoakBenchmark.MeasureAsync(seconds, Log);
        Console.WriteLine(JsonSerializer.Serialize(
            new
            {
                benchmark = "Trading.Timescale soak benchmark",
                command = $"dotnet run -c Release --project benchmarks/Trading.Timescale.Benchmarks -- soak --seconds {seconds}",
                machine = new { cores = Environment.ProcessorCount },
                soak,
                elapsedSeconds = Math.Round(total.Elapsed.TotalSeconds),
            },
            new JsonSerializerOptions { WriteIndented = true }));
        return 0;
    }

    /// <summary><c>refresh</c>: only the refresh and read parts of <c>quick</c>, printed as one JSON object.</summary>
    public static async Task<int> RunRefreshAsync(string[] args)
    {
        var symbols = Option(args, "--symbols", 500);
        var runs = Option(args, "--runs", 3);
        var days = Option(args, "--days", 30);
        var total = Stopwatch.StartNew();
        await using var db = await BenchmarkDatabase.CreateAsync();
        Log($"refresh and reads on {db.ServerInfo}");
        var refresh = await RefreshBenchmarks.MeasureAsync(db, symbols, days, Math.Min(runs, 5), Log);
        var rsi = await IndicatorBenchmarks.MeasureRsiAsync(db);
        var queries = await QueryBenchmarks.MeasureAsync(db, symbols, days, Math.Min(runs, 5), Log);
        var info = db.ServerInfo;
        var result = new
        {
            benchmark = "Trading.Timescale refresh and read benchmark",
            command = "dotnet run -c Release --project benchmarks/Trading.Timescale.Benchmarks -- refresh",
            edition = info.Edition.ToString().ToLowerInvariant(),
            timescaleVersion = info.TimescaleVersion,
            server = new { postgres = info.ServerVersion },
            machine = new { cores = Environment.ProcessorCount },
            workload = new { symbols, days, runs },
            refresh,
            rsi14OneDayOf5mBarsMedianMs = rsi.OneDayMedianMs,
            rsi14FullHistoryMedianMs = rsi.FullHistoryMedianMs,
            queries,
            elapsedSeconds = Math.Round(total.Elapsed.TotalSeconds),
        };
        Console.WriteLine(JsonSerializer.Serialize(result, new JsonSerializerOptions { WriteIndented = true }));
        return 0;
    }

    private static async Task<LatestResult> MeasureLatestAsync(BenchmarkDatabase db, TradingIngest ingest, int symbols, int days)
    {
        const string SpecQuery = "SELECT DISTINCT ON (symbol) symbol, timestamp, close_price, volume FROM trading.stock_prices ORDER BY symbol, timestamp DESC";
        var step = Duration.FromMinutes(5);
        var wanted = Enumerable.Range(0, symbols).Select(i => "SYM" + i.ToString("D4", CultureInfo.InvariantCulture)).ToArray();
        await db.ResetAsync();

        async Task<(double Snapshot, double DistinctOn)> Latencies()
        {
            await db.ExecuteAsync("ANALYZE trading.stock_prices");
            var snapshot = new List<double>();
            var distinctOn = new List<double>();
            for (var i = 0; i < 25; i++)
            {
                var watch = Stopwatch.StartNew();
                var rows = await new TradingQueries(db.DataSource).GetLatestStockPricesAsync(wanted);
                snapshot.Add(watch.Elapsed.TotalMilliseconds);
                if (rows.Count != symbols)
                {
                    throw new InvalidOperationException($"The snapshot returned {rows.Count} rows, not {symbols}.");
                }
            }

            for (var i = 0; i < 5; i++)
            {
                var watch = Stopwatch.StartNew();
                await using var command = db.DataSource.CreateCommand(SpecQuery);
                command.CommandTimeout = 0;
                await using var reader = await command.ExecuteReaderAsync();
                var count = 0;
                while (await reader.ReadAsync())
                {
                    count++;
                }

                distinctOn.Add(watch.Elapsed.TotalMilliseconds);
                if (count != symbols)
                {
                    throw new InvalidOperationException($"The spec query returned {count} rows, not {symbols}.");
                }
            }

            return (Median(snapshot), Median(distinctOn));
        }

        var all = Bars.TradingDays(days, symbols, step);
        var perDay = (int)(390 / step.TotalMinutes) * symbols;
        await ingest.AppendAsync(all.Take(perDay));
        var oneDay = await Latencies();
        var load = Stopwatch.StartNew();
        var appended = await ingest.AppendAsync(all.Skip(perDay));
        var loadSeconds = load.Elapsed.TotalSeconds;
        var full = await Latencies();
        return new LatestResult(
            symbols,
            days,
            perDay + appended.RowsWritten,
            Math.Round(appended.RowsWritten / loadSeconds),
            Math.Round(oneDay.Snapshot, 2),
            Math.Round(oneDay.DistinctOn, 2),
            Math.Round(full.Snapshot, 2),
            Math.Round(full.DistinctOn, 2),
            Math.Round(full.DistinctOn / full.Snapshot, 1));
    }

    private static async Task<long> ReadTypedAsync(TradingQueries queries, string symbol, Instant from, Instant to)
    {
        long checksum = 0;
        await foreach (var bar in queries.ReadStockPricesAsync(symbol, from, to))
        {
            checksum += bar.Symbol.Length + (bar.Volume ?? 0) % 3;
        }

        return checksum;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    internal static int Option(string[] args, string name, int fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private static readonly Stopwatch Started = Stopwatch.StartNew();

    /// <summary>One progress line on standard error, with the seconds since the process started.</summary>
    internal static void Log(string message) => Console.Error.WriteLine($"[bench {Started.Elapsed.TotalSeconds,4:F0} s] {message}");

    /// <summary>Latency of the latest-snapshot read vs the spec's DISTINCT ON query (milliseconds, medians).</summary>
    internal sealed record LatestResult(
        int symbols,
        int days,
        long rows,
        double loadRowsPerSecond,
        double snapshotMs1Day,
        double distinctOnMs1Day,
        double snapshotMs,
        double distinctOnMs,
        double speedup);

    private sealed class FixedClock(Instant now) : IClock
    {
        public Instant GetCurrentInstant() => now;
    }
}
