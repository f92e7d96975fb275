using NodaTime;
using Trading.Timescale.Ingest;
using Trading.Timescale.IntegrationTests.Infrastructure;

namespace Trading.Timescale.IntegrationTests.Ingest;

[Collection(MemoryMeasurementCollection.Name)]
public sealed class StreamingTests(TimescaleServerFixture server) : IngestTest(server)
{
    [Fact]
    public async Task A_million_generated_rows_stream_through_in_bounded_memory()
    {
        const long Rows = 1_000_000;
        const int Symbols = 500;
        var liveHeap = new List<long>();
        var workingSet = new List<long>();

        IEnumerable<StockPrice> Generate()
        {
            var origin = MarketData.Start;
            for (long i = 0; i < Rows; i++)
            {
                if (i % 200_000 == 110_000)
                {
                    liveHeap.Add(GC.GetTotalMemory(forceFullCollection: true));
                    workingSet.Add(Environment.WorkingSet);
                }

                yield return MarketData.Bar(i, Symbols, origin);
            }
        }

        // What earlier tests left alive in this process (pooled buffers, caches) is not the ingest's.
        var baseline = GC.GetTotalMemory(forceFullCollection: true);
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var result = await Ingest.AppendAsync(Generate(), IngestOptions.Default with { BatchSize = 20_000 }, Ct);
        var allocatedPerRow = (GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore) / Rows;

        Assert.Equal((Rows, Rows, 50), (result.RowsRead, result.RowsWritten, result.Batches));
        var (count, volume, first, last) = await AggregatesAsync();
        Assert.Equal(Rows, count);
        Assert.Equal((1_000 * Rows) + (Rows * (Rows - 1) / 2), volume);
        Assert.Equal(MarketData.Start, first);
        Assert.Equal(MarketData.Start + Duration.FromMinutes((Rows - 1) / Symbols), last);
        Assert.Equal((long)Symbols, await ScalarAsync<long>("SELECT count(*) FROM trading.latest_stock_prices WHERE timestamp = $1", last));

        // Samples fall mid-batch, so they include a half-full batch buffer; live memory must not grow with the rows sent.
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"live heap MB (before the ingest {baseline >> 20}): {string.Join(", ", liveHeap.Select(b => b >> 20))}; working set MB: {string.Join(", ", workingSet.Select(b => b >> 20))}; allocated {allocatedPerRow} B/row");
        Assert.Equal(5, liveHeap.Count);
        Assert.All(liveHeap, bytes => Assert.True(bytes - baseline < 96L << 20, $"live heap {bytes >> 20} MB, {baseline >> 20} MB of it before the ingest"));
        Assert.True(liveHeap[^1] - liveHeap[0] < 16L << 20, $"live heap grew from {liveHeap[0] >> 20} MB to {liveHeap[^1] >> 20} MB");
        Assert.True(workingSet[^1] - workingSet[0] < 128L << 20, $"working set grew from {workingSet[0] >> 20} MB to {workingSet[^1] >> 20} MB");
        Assert.True(allocatedPerRow < 1_024, $"{allocatedPerRow} bytes allocated per row");
    }

    private async Task<(long Count, long Volume, Instant First, Instant Last)> AggregatesAsync()
    {
        await using var command = DataSource.CreateCommand("SELECT count(*), sum(volume)::bigint, min(timestamp), max(timestamp) FROM trading.stock_prices");
        await using var reader = await command.ExecuteReaderAsync(Ct);
        await reader.ReadAsync(Ct);
        return (reader.GetInt64(0), reader.GetInt64(1), reader.GetFieldValue<Instant>(2), reader.GetFieldValue<Instant>(3));
    }
}
