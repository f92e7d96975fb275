using BenchmarkDotNet.Attributes;
using NodaTime;
using Trading.Timescale.Ingest;
using Trading.Timescale.Ingest.Internal;
using Trading.Timescale.Records.Internal;

namespace Trading.Timescale.Benchmarks;

/// <summary>The per-row work the library adds on the client, without a server: validation and latest tracking.</summary>
[MemoryDiagnoser]
public class ClientCostBenchmarks
{
    private StockPrice[] _rows = [];
    private ValidationContext? _context;

    [GlobalSetup]
    public void Setup()
    {
        _rows = Bars.Generate(50_000, 500, Bars.Start, Duration.FromMinutes(1));
        _context = new ValidationContext(IngestOptions.Default, new FixedClock(Bars.Start + Duration.FromDays(400)));
    }

    [Benchmark(OperationsPerInvoke = 50_000)]
    public int Validate() => Measure.Validate(_rows, _context!);

    [Benchmark(OperationsPerInvoke = 50_000)]
    public int TrackLatest() => Measure.TrackLatest(_rows);

    internal static class Measure
    {
        public static int Validate(StockPrice[] rows, ValidationContext context)
        {
            var map = TableMaps.StockPrices;
            var invalid = 0;
            foreach (var row in rows)
            {
                invalid += map.Validate(row, context) is null ? 0 : 1;
            }

            return invalid;
        }

        public static int TrackLatest(StockPrice[] rows)
        {
            var tracker = new LatestTracker<StockPrice>(TableMaps.StockPrices, TableMaps.StockPrices.Latest!);
            foreach (var row in rows)
            {
                tracker.Offer(row);
            }

            return tracker.Count;
        }
    }

    internal sealed class FixedClock(Instant now) : IClock
    {
        public Instant GetCurrentInstant() => now;
    }
}
