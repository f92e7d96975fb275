using System.Diagnostics;
using NodaTime;
using Npgsql;
using Trading.Timescale.Ingest;

namespace Trading.Timescale.Benchmarks;

/// <summary>
/// <c>import-profile FILE CONNECTION</c>: where the time of a CSV import of stock prices goes, stage by stage, in one
/// process (medians of 5 runs): reading the bytes, parsing into records, parsing and validating, binary COPY of
/// records parsed beforehand, and the whole import (with and without the latest snapshot).
/// </summary>
internal static class ImportProfile
{
    public static async Task<int> RunAsync(string[] args)
    {
        var file = args[0];
        var builder = new NpgsqlDataSourceBuilder(args[1]);
        builder.UseNodaTime();
        await using var dataSource = builder.Build();
        var clock = new ClientCostBenchmarks.FixedClock(Bars.Start + Duration.FromDays(400));
        var ingest = new TradingIngest(dataSource, clock: clock);
        var runs = 5;

        async Task Reset()
        {
            await using var command = dataSource.CreateCommand("TRUNCATE trading.stock_prices, trading.latest_stock_prices; CHECKPOINT");
            await command.ExecuteNonQueryAsync();
        }

        async Task<double> Time(Func<Task> action, bool reset)
        {
            var samples = new List<double>();
            for (var i = 0; i < runs; i++)
            {
                if (reset)
                {
                    await Reset();
                }

                var watch = Stopwatch.StartNew();
                await action();
                samples.Add(watch.Elapsed.TotalMilliseconds);
            }

            return Math.Round(samples.Order().ElementAt(runs / 2), 1);
        }

        var bytes = await Time(async () => { await using var s = File.OpenRead(file); var buffer = new byte[65536]; while (await s.ReadAsync(buffer) > 0) { } }, false);
        var records = new List<StockPrice>();
        var parse = await Time(async () =>
        {
            records.Clear();
            await using var stream = File.OpenRead(file);
            await foreach (var row in TradingCsv.ReadAsync<StockPrice>(stream))
            {
                records.Add(row);
            }
        }, false);
        var validate = await Time(() =>
        {
            var n = 0;
            foreach (var row in records)
            {
                n += ingest.Validate(row) is null ? 0 : 1;
            }

            return Task.CompletedTask;
        }, false);
        var array = records.ToArray();
        var rawCopy = await Time(() => Baselines.RawCopyAsync(dataSource, array), true);
        var append = await Time(() => ingest.AppendAsync(array), true);
        var import = await Time(async () =>
        {
            await using var stream = File.OpenRead(file);
            await ingest.ImportCsvAsync(IngestTable.StockPrices, stream);
        }, true);
        var importNoLatest = await Time(async () =>
        {
            await using var stream = File.OpenRead(file);
            await ingest.ImportCsvAsync(IngestTable.StockPrices, stream, options: IngestOptions.Default with { UpdateLatest = false });
        }, true);
        Console.WriteLine($"rows {records.Count}; ms (median of {runs}): read bytes {bytes}, parse {parse}, validate {validate}, raw binary COPY of parsed records {rawCopy}, AppendAsync of parsed records {append}, ImportCsvAsync {import}, ImportCsvAsync without latest {importNoLatest}");
        return 0;
    }
}
