using NodaTime;
using Trading.Timescale;

namespace QuickStart;

/// <summary>Deterministic sample market data: one-minute bars on a random walk and an option chain around the price.</summary>
internal static class SampleData
{
    public static IEnumerable<StockPrice> Bars(IReadOnlyList<string> symbols, Instant start, int minutes)
    {
        var random = new Random(42);
        var firstMinute = Instant.FromUnixTimeSeconds(start.ToUnixTimeSeconds() / 60 * 60);
        foreach (var symbol in symbols)
        {
            var price = symbol switch { "AAPL" => 228m, "MSFT" => 415m, _ => 590m };
            for (var i = 0; i < minutes; i++)
            {
                var open = price;
                var close = Math.Round(open * (1 + ((decimal)random.NextDouble() - 0.5m) / 250m), 2);
                var high = Math.Max(open, close) + Math.Round((decimal)random.NextDouble() * 0.2m, 2);
                var low = Math.Min(open, close) - Math.Round((decimal)random.NextDouble() * 0.2m, 2);
                yield return new StockPrice
                {
                    Symbol = symbol,
                    Timestamp = firstMinute + Duration.FromMinutes(i),
                    OpenPrice = open,
                    HighPrice = high,
                    LowPrice = low,
                    ClosePrice = close,
                    Volume = 10_000 + random.Next(50_000),
                    Vwap = Math.Round((open + high + low + close) / 4, 4),
                };
                price = close;
            }
        }
    }

    public static IEnumerable<OptionQuote> OptionChain(string underlying, decimal price, Instant now)
    {
        var random = new Random(7);
        var today = now.InZone(DateTimeZoneProviders.Tzdb["America/New_York"]).Date;
        var expiration = today.Next(IsoDayOfWeek.Friday);
        var atm = Math.Round(price / 5) * 5;
        for (var strike = atm - 20; strike <= atm + 20; strike += 5)
        {
            foreach (var type in new[] { OptionType.Call, OptionType.Put })
            {
                var intrinsic = Math.Max(0, type == OptionType.Call ? price - strike : strike - price);
                var mid = Math.Round(intrinsic + 1.5m + (decimal)random.NextDouble(), 2);
                yield return new OptionQuote
                {
                    UnderlyingSymbol = underlying,
                    OptionSymbol = $"{underlying}{expiration:yyMMdd}{(type == OptionType.Call ? 'C' : 'P')}{(int)(strike * 1000):00000000}",
                    Timestamp = now,
                    ExpirationDate = expiration,
                    StrikePrice = strike,
                    OptionType = type,
                    BidPrice = mid - 0.05m,
                    AskPrice = mid + 0.05m,
                    LastPrice = mid,
                    Volume = random.Next(100, 5_000),
                    OpenInterest = random.Next(1_000, 40_000),
                    ImpliedVolatility = Math.Round(0.22m + (decimal)random.NextDouble() / 20, 6),
                    Delta = Math.Round(type == OptionType.Call ? 0.5m + (price - strike) / 80 : -0.5m + (price - strike) / 80, 6),
                    IntrinsicValue = intrinsic,
                    TimeValue = mid - intrinsic,
                };
            }
        }
    }
}
