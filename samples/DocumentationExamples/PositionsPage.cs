using Npgsql;
using Trading.Timescale.Positions;

namespace DocumentationExamples;

/// <summary>The samples of docs/positions.md.</summary>
internal static class PositionsPage
{
    public static async Task<PortfolioSummary> TradeAsync(string connectionString)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        builder.UseNodaTime();                       // required: the book reads and writes NodaTime types
        await using var dataSource = builder.Build();
        var book = new TradingPositions(dataSource);     // or new TradingPositions(dataSource, clock) with any NodaTime IClock

        var open = await book.OpenAsync(new OpenPositionRequest("AAPL", 100m, 10.00m) { Fees = 1m, Account = "main" });
        await book.AddAsync(open.Position.Id, new TradeFill(50m, 12.40m) { Fees = 0.50m });
        await book.ReduceAsync(open.Position.Id, new TradeFill(60m, 11.50m) { Fees = 0.60m, Notes = "trim" });
        await book.CloseAsync(open.Position.Id, 10.00m, fees: 0.90m);

        await book.MarkToMarketAsync("main");
        var summary = await book.GetPortfolioSummaryAsync("main");
        return summary;
    }
}
