using System.Diagnostics;
using System.Globalization;
using NodaTime;
using Trading.Timescale.Export;
using Trading.Timescale.Ingest;
using Trading.Timescale.Queries;
using Trading.Timescale.Schema;

namespace Trading.Timescale.Benchmarks;

/// <summary>
/// The export section: 5-minute bars of every symbol over the loaded days written as Parquet through the export, against
/// <c>COPY (SELECT ...) TO STDOUT (FORMAT csv)</c> of the same rows into a file, alternating which goes first; and the
/// feature-set export rate.
/// </summary>
internal static class ExportBenchmarks
{
    public sealed record ExportResult(
        long Rows, double ParquetRowsPerSecond, double CopyCsvRowsPerSecond, double ParquetVsCopyCsv, long ParquetBytes, long CsvBytes, double CsvToParquetSizeRatio,
        long FeatureRows, int FeatureDays, int FeatureSymbols, string FeatureIndicators, double FeatureRowsPerSecond, double[] PairRatios, int CalendarDays);

    /// <summary>The export section alone (<c>-- export</c>): a fresh database, one JSON object.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        int Option(string name, int fallback) =>
            Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
        await using var db = await BenchmarkDatabase.CreateAsync();
        if (args.Contains("--profile"))
        {
            return await ProfileAsync(db, Option("--symbols", 500), Option("--days", 30), m => Console.Error.WriteLine(m));
        }

        var result = await MeasureAsync(db, Option("--symbols", 500), Option("--days", 30), Option("--runs", 5), Option("--feature-days", 3), Option("--feature-symbols", 0), m => Console.Error.WriteLine(m));
        Console.WriteLine(System.Text.Json.JsonSerializer.Serialize(new
        {
            benchmark = "Trading.Timescale export benchmark",
            command = "dotnet run -c Release --project benchmarks/Trading.Timescale.Benchmarks -- export",
            server = new { postgres = db.ServerInfo.ServerVersion, timescaledb = db.ServerInfo.TimescaleVersion, edition = db.ServerInfo.Edition.ToString().ToLowerInvariant() },
            loadAverage = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : null,
            date = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture),
            export = result,
            target = new { parquetVsCopyCsv = 0.8, met = result.ParquetVsCopyCsv >= 0.8 },
        }, new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
        return 0;
    }

    /// <summary>Loads the bars when the table is empty (the standalone <c>export</c> mode), then measures.</summary>
    public static async Task<ExportResult> MeasureAsync(BenchmarkDatabase db, int symbols, int days, int runs, int featureDays, int featureSymbols, Action<string> log, int? exportDays = null)
    {
        await LoadAsync(db, symbols, days, log);
        var (from, to) = await RangeAsync(db);
        if (exportDays is { } last && last < (to - from).TotalDays)
        {
            // The newest days only: the rates are per row.
            from = to.AddDays(-last);
        }

        var trading = new TradingDatabase(db.DataSource, new TradingTimescaleOptions());
        var source = trading.Queries.Bars(BarInterval.FiveMinutes).Source ?? throw new InvalidOperationException("5-minute bars have no aggregate.");
        // The same statement the bar builder runs for each day of the range (the export also reads one day at a time), with the bounds written in.
        var copyDays = Enumerable.Range(0, (int)(to - from).TotalDays).Select(d => from.AddDays(d)).ToArray();
        string CopySql(DateTime day) => string.Create(CultureInfo.InvariantCulture,
            $"COPY (SELECT \"bucket\", \"symbol\", \"open\", \"high\", \"low\", \"close\", \"volume\", \"vwap\" FROM {source} WHERE \"bucket\" >= '{day:O}' AND \"bucket\" < '{day.AddDays(1):O}' ORDER BY \"bucket\" ASC, \"symbol\") TO STDOUT (FORMAT csv)");
        var scratch = Path.Combine(Path.GetTempPath(), "trading-export-bench-" + Environment.ProcessId);
        var parquet = new List<double>();
        var copy = new List<double>();
        var ratios = new List<double>();
        long rows = 0, parquetBytes = 0, csvBytes = 0;
        for (var run = 0; run <= runs; run++)
        {
            // Run 0 warms both paths up on the first three days and is not counted: a one-day warm-up left the per-row code
            // of the first counted run still being compiled (pairs of 0.38 to 0.69 against 0.8 to 0.9 after).
            var runDays = run == 0 ? copyDays[..Math.Min(3, copyDays.Length)] : copyDays;
            var runTo = from.AddDays(runDays.Length);
            rows = 0;
            double parquetRate = 0, copyRate = 0, parquetCpu = 0, copyCpu = 0;
            for (var pass = 0; pass < 2; pass++)
            {
                if (Directory.Exists(scratch))
                {
                    Directory.Delete(scratch, recursive: true);
                }

                var cpu = Process.GetCurrentProcess().TotalProcessorTime;
                if ((run + pass) % 2 == 0)
                {
                    var watch = Stopwatch.StartNew();
                    var result = await trading.Export().TableAsync(new TableExport
                    {
                        Table = ExportTable.Bars,
                        From = Instant.FromDateTimeUtc(from),
                        To = Instant.FromDateTimeUtc(runTo),
                        Interval = BarInterval.FiveMinutes,
                        Output = Path.Combine(scratch, "parquet"),
                    });
                    parquetRate = result.Rows / watch.Elapsed.TotalSeconds;
                    rows = result.Rows;
                    parquetBytes = result.Files.Sum(f => f.Bytes);
                    parquetCpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMicroseconds / result.Rows;
                }
                else
                {
                    Directory.CreateDirectory(scratch);
                    var file = Path.Combine(scratch, "bars.csv");
                    var watch = Stopwatch.StartNew();
                    long lines = 0;
                    await using (var connection = await db.DataSource.OpenConnectionAsync())
                    await using (var writer = new StreamWriter(file))
                    {
                        var buffer = new char[1 << 16];
                        foreach (var day in runDays)
                        {
                            using var reader = await connection.BeginTextExportAsync(CopySql(day));
                            int read;
                            while ((read = await reader.ReadAsync(buffer, 0, buffer.Length)) > 0)
                            {
                                await writer.WriteAsync(buffer.AsMemory(0, read));
                                lines += buffer.AsSpan(0, read).Count('\n');
                            }
                        }
                    }

                    copyRate = lines / watch.Elapsed.TotalSeconds;
                    copyCpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMicroseconds / lines;
                    csvBytes = new FileInfo(file).Length;
                    if (rows != 0 && lines != rows)
                    {
                        throw new InvalidOperationException($"COPY wrote {lines} rows, the export {rows}.");
                    }
                }
            }

            if (run > 0)
            {
                parquet.Add(parquetRate);
                copy.Add(copyRate);
                ratios.Add(parquetRate / copyRate);
                log($"export run {run}/{runs}: parquet {parquetRate:F0} rows/s ({parquetCpu:F2} µs client CPU a row), COPY csv {copyRate:F0} rows/s ({copyCpu:F2} µs)");
            }
        }

        const string indicators = "rsi:14,sma:20,bollinger:20:2,macd,atr:14";
        if (Directory.Exists(scratch))
        {
            Directory.Delete(scratch, recursive: true);
        }

        // The feature rate is per row; a few symbols measure it without minutes of indicator calls.
        var featureSymbolList = featureSymbols <= 0 ? null : (await db.ScalarAsync<string[]>(
            $"SELECT array_agg(symbol ORDER BY symbol) FROM (SELECT DISTINCT symbol FROM trading.stock_prices ORDER BY symbol LIMIT {featureSymbols}) s")).ToList();
        var featureWatch = Stopwatch.StartNew();
        var features = await trading.Export().FeaturesAsync(new FeatureSetExport
        {
            Symbols = featureSymbolList,
            Interval = BarInterval.FiveMinutes,
            From = Instant.FromDateTimeUtc(to) - Duration.FromDays(featureDays),
            To = Instant.FromDateTimeUtc(to),
            Indicators = FeatureIndicator.ParseList(indicators),
            LabelHorizon = Duration.FromMinutes(30),
            Output = Path.Combine(scratch, "features"),
        });
        var featureRate = features.Rows / featureWatch.Elapsed.TotalSeconds;
        log($"features: {features.Rows} rows in {featureWatch.Elapsed.TotalSeconds:F1} s");
        Directory.Delete(scratch, recursive: true);
        return new ExportResult(
            rows, Math.Round(Median(parquet)), Math.Round(Median(copy)), Math.Round(Median(ratios), 3), parquetBytes, csvBytes, Math.Round((double)csvBytes / parquetBytes, 2),
            features.Rows, featureDays, featureSymbolList?.Count ?? symbols, indicators + " with label_forward_return_30m", Math.Round(featureRate), [.. ratios.Select(r => Math.Round(r, 3))], (int)(to - from).TotalDays);
    }

    /// <summary>
    /// <c>-- export --profile</c>: where the time of the Parquet bar export goes, one stage at a time on the same rows
    /// (best of three): reading the bars only, the export as CSV, as Parquet, and as Parquet in row groups of a million.
    /// </summary>
    private static async Task<int> ProfileAsync(BenchmarkDatabase db, int symbols, int days, Action<string> log)
    {
        await LoadAsync(db, symbols, days, log);
        var (from, to) = await RangeAsync(db);
        var trading = new TradingDatabase(db.DataSource, new TradingTimescaleOptions());
        var scratch = Path.Combine(Path.GetTempPath(), "trading-export-profile-" + Environment.ProcessId);
        async Task<double> Best(string name, Func<Task<long>> stage)
        {
            var best = 0.0;
            for (var i = 0; i < 3; i++)
            {
                if (Directory.Exists(scratch))
                {
                    Directory.Delete(scratch, recursive: true);
                }

                var watch = Stopwatch.StartNew();
                var rows = await stage();
                best = Math.Max(best, rows / watch.Elapsed.TotalSeconds);
            }

            log($"{name}: {best:F0} rows/s");
            return Math.Round(best);
        }

        Task<long> Export(ExportFormat format, int rowGroupSize) => trading.Export().TableAsync(new TableExport
        {
            Table = ExportTable.Bars,
            From = Instant.FromDateTimeUtc(from),
            To = Instant.FromDateTimeUtc(to),
            Interval = BarInterval.FiveMinutes,
            Output = scratch,
            Format = format,
            RowGroupSize = rowGroupSize,
        }).ContinueWith(t => t.Result.Rows, TaskScheduler.Default);

        var read = await Best("read bars only", async () =>
        {
            long rows = 0;
            for (var day = from; day < to; day = day.AddDays(1))
            {
                await foreach (var bar in trading.Queries.Bars(BarInterval.FiveMinutes).OrderBy(SortDirection.Ascending)
                    .Between(Instant.FromDateTimeUtc(day), Instant.FromDateTimeUtc(day.AddDays(1))).AsAsyncEnumerable())
                {
                    rows += bar.Volume is null ? 0 : 1;
                }
            }

            return rows;
        });
        var csv = await Best("export csv", () => Export(ExportFormat.Csv, ExportDestination.DefaultRowGroupSize));
        var parquet = await Best("export parquet", () => Export(ExportFormat.Parquet, ExportDestination.DefaultRowGroupSize));
        var parquetLargeGroups = await Best("export parquet, row groups of 1,000,000", () => Export(ExportFormat.Parquet, 1_000_000));
        Directory.Delete(scratch, recursive: true);
        Console.WriteLine(System.Text.Json.JsonSerializer.Serialize(new { readOnly = read, csv, parquet, parquetLargeGroups }));
        return 0;
    }

    private static async Task LoadAsync(BenchmarkDatabase db, int symbols, int days, Action<string> log)
    {
        if (await db.ScalarAsync<long>("SELECT count(*) FROM (SELECT 1 FROM trading.stock_prices LIMIT 1) s") == 0)
        {
            log($"export: loading {symbols} symbols x {days} days of 5-minute bars");
            await new TradingIngest(db.DataSource).AppendAsync(Bars.TradingDays(days, symbols, Duration.FromMinutes(5)));
        }

        if (db.ServerInfo.Edition == TimescaleEdition.Community)
        {
            // The 5-minute aggregate reads the 1-minute one: both materialized, in that order (the apache edition's views compute on read).
            var refresh = Stopwatch.StartNew();
            await db.ExecuteAsync("CALL trading.refresh_aggregates(NULL, NULL, ARRAY['stock_prices_1m', 'stock_prices_5m'])");
            log($"export: aggregates refreshed in {refresh.Elapsed.TotalSeconds:F0} s");
        }
    }

    private static async Task<(DateTime From, DateTime To)> RangeAsync(BenchmarkDatabase db) =>
        ((await db.ScalarAsync<Instant>("SELECT date_trunc('day', min(\"timestamp\"), 'UTC') FROM trading.stock_prices")).ToDateTimeUtc(),
         (await db.ScalarAsync<Instant>("SELECT date_trunc('day', max(\"timestamp\"), 'UTC') + INTERVAL '1 day' FROM trading.stock_prices")).ToDateTimeUtc());

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
