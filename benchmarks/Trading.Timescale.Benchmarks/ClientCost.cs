using System.Diagnostics;
using NodaTime;
using Trading.Timescale.Ingest;
using Trading.Timescale.Ingest.Internal;
using Trading.Timescale.Records.Internal;

namespace Trading.Timescale.Benchmarks;

/// <summary><c>client</c>: nanoseconds per row of the client-side work, no server needed.</summary>
internal static class ClientCost
{
    public static int Run()
    {
        var rows = Bars.Generate(300_000, 500, Bars.Start, Duration.FromMinutes(1));
        var context = new ValidationContext(IngestOptions.Default, new ClientCostBenchmarks.FixedClock(Bars.Start + Duration.FromDays(400)));
        double PerRow(Func<int> action)
        {
            action();
            var samples = new List<double>();
            for (var i = 0; i < 7; i++)
            {
                var watch = Stopwatch.StartNew();
                action();
                samples.Add(watch.Elapsed.TotalNanoseconds / rows.Length);
            }

            return Math.Round(samples.Order().ElementAt(3), 1);
        }

        Console.WriteLine($"validate ns/row: {PerRow(() => ClientCostBenchmarks.Measure.Validate(rows, context))}");
        Console.WriteLine($"track latest ns/row: {PerRow(() => ClientCostBenchmarks.Measure.TrackLatest(rows))}");
        foreach (var column in TableMaps.StockPrices.Columns)
        {
            Console.WriteLine($"  {column.Name} ns/row: {PerRow(() => { var n = 0; foreach (var r in rows) { n += column.Check(r, context) is null ? 0 : 1; } return n; })}");
        }

        var comparer = TableMaps.StockPrices.KeyComparer;
        Console.WriteLine($"dedupe ns/row: {PerRow(() => new HashSet<StockPrice>(rows, comparer).Count)}");
        return 0;
    }
}
