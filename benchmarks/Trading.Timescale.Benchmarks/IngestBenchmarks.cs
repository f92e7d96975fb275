using BenchmarkDotNet.Attributes;
using NodaTime;
using Trading.Timescale.Ingest;

namespace Trading.Timescale.Benchmarks;

/// <summary>BenchmarkDotNet view of the write paths (the quick mode is the one CI runs).</summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 5, invocationCount: 1)]
public class IngestBenchmarks
{
    private BenchmarkDatabase? _db;
    private TradingIngest? _ingest;
    private StockPrice[] _rows = [];

    [Params(100_000)]
    public int Rows { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _db = await BenchmarkDatabase.CreateAsync();
        _ingest = new TradingIngest(_db.DataSource);
        _rows = Bars.Generate(Rows, 500, Bars.Start, Duration.FromMinutes(1));
    }

    [IterationSetup]
    public void Reset() => _db!.ResetAsync().GetAwaiter().GetResult();

    [Benchmark(Baseline = true)]
    public Task RawCopy() => Baselines.RawCopyAsync(_db!.DataSource, _rows);

    [Benchmark]
    public Task Append() => _ingest!.AppendAsync(_rows);

    [Benchmark]
    public Task Upsert() => _ingest!.UpsertAsync(_rows);

    [Benchmark]
    public Task MultiRowInsert() => Baselines.MultiRowInsertAsync(_db!.DataSource, _rows);

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        if (_db is not null)
        {
            await _db.DisposeAsync();
        }
    }
}
