using NodaTime;
using Trading.Timescale;
using Trading.Timescale.Queries;

namespace DocumentationExamples;

/// <summary>The samples of docs/queries.md.</summary>
internal static class QueriesPage
{
    public static async Task BarsAsync(TradingDatabase trading, Instant from, Instant to, CancellationToken ct)
    {
        var bars = await trading.Queries.Bars("AAPL", BarInterval.FiveMinutes)
            .Between(from, to)
            .ToListAsync(ct);                                   // IReadOnlyList<Bar>: Bucket, Symbol, Open, High, Low, Close, Volume, Vwap

        var lastTen = trading.Queries.Bars(BarInterval.OneDay).ForSymbols("AAPL", "MSFT").OrderBy(SortDirection.Descending).Take(10);
        var quarterHours = trading.Queries.Bars("AAPL", BarInterval.Parse("15m"));   // also "4h", "1d", "'5 minutes'"
        Console.WriteLine($"{bars.Count} {lastTen.ToSql()} {quarterHours.ToSql()}");
    }

    public static async Task LatestAsync(TradingDatabase trading, Instant asOf, CancellationToken ct)
    {
        IReadOnlyList<StockPrice> now = await trading.Queries.GetLatestStockPricesAsync(["AAPL", "MSFT"], ct);   // snapshot table
        IReadOnlyList<OptionQuote> chainNow = await trading.Queries.GetLatestOptionQuotesAsync("AAPL", ct);
        IReadOnlyList<StockPrice> atClose = await trading.Queries.LatestPrices(asOf).ForSymbols("AAPL", "MSFT").ToListAsync(ct);
        Console.WriteLine($"{now.Count} {chainNow.Count} {atClose.Count}");
    }

    public static async Task IndicatorsAsync(TradingDatabase trading, Instant dayStart, Instant dayEnd, CancellationToken ct)
    {
        var rsi = await trading.Queries.Rsi("AAPL", BarInterval.FiveMinutes, period: 14).Between(dayStart, dayEnd).ToListAsync(ct);
        await foreach (var p in trading.Queries.BollingerBands("AAPL", BarInterval.FiveMinutes, 20, 2m).WithCancellation(ct))
        {
            Console.WriteLine($"{p.Timestamp} {p.LowerBand} {p.MiddleBand} {p.UpperBand}");
        }

        Console.WriteLine(rsi.Count);
    }

    public static async Task ScreensAsync(TradingDatabase trading, Instant closeOfDay, CancellationToken ct)
    {
        var oversold = await trading.Queries.Screen(BarInterval.FiveMinutes).RsiBelow(30).ToListAsync(ct);
        var breakouts = await trading.Queries.Screen(BarInterval.FiveMinutes)
            .AboveUpperBand()
            .RelativeVolumeAtLeast(2)
            .OrderBy(ScreenOrder.RelativeVolume, SortDirection.Descending)
            .Take(10)
            .ToListAsync(ct);
        foreach (var row in breakouts)
        {
            Console.WriteLine($"{row.Symbol} {row.Timestamp} close {row.Close} RSI {row.Rsi14:F1} %B {row.PercentB:F2} volume x{row.RelativeVolume:F1}");
        }

        var atClose = await trading.Queries.Screen(BarInterval.OneHour).AsOf(closeOfDay).ForSymbols("AAPL", "MSFT", "NVDA").ToListAsync(ct);
        Console.WriteLine($"{oversold.Count} {atClose.Count}");
    }

    public static async Task OptionsAsync(TradingDatabase trading, Instant at, LocalDate today, CancellationToken ct)
    {
        var chain = await trading.Queries.OptionChain("AAPL").AsOf(at).Expiring(today, today.PlusDays(7)).Strikes(180m, 220m).ToListAsync(ct);
        var active = await trading.Queries.MostActiveContracts("AAPL", 10).AsOf(at).ToListAsync(ct);
        PutCallRatio ratio = (await trading.Queries.PutCallRatio("AAPL").AsOf(at).ToListAsync(ct))[0];
        var smile = await trading.Queries.VolatilitySmile("AAPL", new LocalDate(2026, 6, 19)).AsOf(at).ToListAsync(ct);
        var term = await trading.Queries.VolatilityTermStructure("AAPL").AsOf(at).ToListAsync(ct);
        Console.WriteLine($"{chain.Count} {active.Count} {ratio} {smile.Count} {term.Count}");
    }

    public static async Task SignalsAsync(TradingDatabase trading, Instant now, Instant weekAgo, CancellationToken ct)
    {
        var recent = await trading.Queries.Signals().MinimumConfidence(0.8m).Between(now - Duration.FromDays(1), null).ToListAsync(ct);
        var bySymbol = await trading.Queries.Signals().Between(weekAgo, null).PerformanceBySymbol().ToListAsync(ct);
        var outcomes = await trading.Queries.Signals().ModelVersion("v2").OrderBy(SortDirection.Ascending)
            .Outcomes(Duration.FromHours(4)).ToListAsync(ct);
        Console.WriteLine($"{recent.Count} {bySymbol.Count} {outcomes.Count}");
    }
}
