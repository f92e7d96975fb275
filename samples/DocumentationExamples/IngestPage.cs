using NodaTime;
using Npgsql;
using Trading.Timescale;
using Trading.Timescale.Ingest;
using Trading.Timescale.Queries;

namespace DocumentationExamples;

/// <summary>The samples of docs/ingest.md.</summary>
internal static class IngestPage
{
    public static async Task WriteAndReadAsync(
        string connectionString, IEnumerable<StockPrice> bars, IAsyncEnumerable<OptionQuote> quotesFromFeed, TradingSignal signal, Instant from, Instant to, CancellationToken ct)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        builder.UseNodaTime();                                   // required: records use NodaTime
        await using var dataSource = builder.Build();
        var ingest = new TradingIngest(dataSource);             // options and IClock are optional

        IngestResult result = await ingest.AppendAsync(bars, cancellationToken: ct);      // IEnumerable<StockPrice>
        await ingest.UpsertAsync(quotesFromFeed, IngestOptions.Default with { InvalidRows = InvalidRowHandling.Skip }, ct);
        long id = await ingest.WriteSignalAsync(signal, ct);

        var queries = new TradingQueries(dataSource);            // or trading.Queries of a TradingDatabase
        IReadOnlyList<StockPrice> latest = await queries.GetLatestStockPricesAsync(["AAPL", "MSFT"], ct);
        await foreach (var bar in queries.ReadStockPricesAsync("AAPL", from, to, ct))
        {
            Console.WriteLine($"{bar.Timestamp} {bar.ClosePrice}");
        }

        Console.WriteLine($"{result.RowsWritten} rows, signal {id}, {latest.Count} latest prices");
    }
}
