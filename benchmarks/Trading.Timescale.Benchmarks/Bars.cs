using NodaTime;

namespace Trading.Timescale.Benchmarks;

/// <summary>Deterministic one-minute bars over many symbols.</summary>
internal static class Bars
{
    public static readonly Instant Start = Instant.FromUtc(2026, 3, 2, 14, 30);

    public static StockPrice[] Generate(int count, int symbols, Instant start, Duration step, decimal shift = 0m)
    {
        var names = Enumerable.Range(0, symbols).Select(i => "SYM" + i.ToString("D4", System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var rows = new StockPrice[count];
        for (var i = 0; i < count; i++)
        {
            var open = 50m + (i % 997) * 0.01m + shift;
            rows[i] = new StockPrice
            {
                Symbol = names[i % symbols],
                Timestamp = start + step * (i / symbols),
                OpenPrice = open,
                HighPrice = open + 0.35m,
                LowPrice = open - 0.2m,
                ClosePrice = open + 0.1m,
                Volume = 10_000 + i,
                Vwap = open + 0.05m,
                MarketCap = 1_000_000_000L + i,
                SharesOutstanding = 50_000_000L,
            };
        }

        return rows;
    }

    /// <summary>Bars during regular hours (09:30–16:00 New York, in UTC here) for <paramref name="days"/> weekdays.</summary>
    public static IEnumerable<StockPrice> TradingDays(int days, int symbols, Duration step)
    {
        var names = Enumerable.Range(0, symbols).Select(i => "SYM" + i.ToString("D4", System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var perDay = (int)(Duration.FromMinutes(390).TotalTicks / step.TotalTicks);
        var day = Start;
        long n = 0;
        for (var d = 0; d < days; d++)
        {
            for (var slot = 0; slot < perDay; slot++)
            {
                for (var s = 0; s < symbols; s++)
                {
                    var open = 50m + (n++ % 997) * 0.01m;
                    yield return new StockPrice
                    {
                        Symbol = names[s],
                        Timestamp = day + step * slot,
                        OpenPrice = open,
                        HighPrice = open + 0.35m,
                        LowPrice = open - 0.2m,
                        ClosePrice = open + 0.1m,
                        Volume = 10_000 + n,
                        Vwap = open + 0.05m,
                    };
                }
            }

            day += Duration.FromDays(1);
        }
    }
}
