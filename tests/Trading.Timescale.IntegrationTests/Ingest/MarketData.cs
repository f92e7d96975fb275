using NodaTime;

namespace Trading.Timescale.IntegrationTests.Ingest;

/// <summary>Deterministic generated rows, produced lazily (never materialised).</summary>
public static class MarketData
{
    public static readonly Instant Start = Instant.FromUtc(2026, 5, 4, 13, 30);

    public static string Symbol(int index) => "S" + index.ToString("D3", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Row i is a bar of symbol i % symbols at Start + (i / symbols) minutes; volume is 1000 + i.</summary>
    public static IEnumerable<StockPrice> Bars(long count, int symbols, Instant? start = null, decimal priceShift = 0m)
    {
        var origin = start ?? Start;
        for (long i = 0; i < count; i++)
        {
            yield return Bar(i, symbols, origin, priceShift);
        }
    }

    public static StockPrice Bar(long i, int symbols, Instant origin, decimal priceShift = 0m)
    {
        var open = 100m + (i % 97) * 0.01m + priceShift;
        return new StockPrice
        {
            Symbol = Symbol((int)(i % symbols)),
            Timestamp = origin + Duration.FromMinutes(i / symbols),
            OpenPrice = open,
            HighPrice = open + 0.5m,
            LowPrice = open - 0.5m,
            ClosePrice = open + 0.25m,
            Volume = 1000 + i,
            Vwap = open + 0.1m,
        };
    }

    /// <summary>Row i is a quote of contract i % contracts (underlyings U0..U4) at Start + (i / contracts) minutes.</summary>
    public static IEnumerable<OptionQuote> Quotes(long count, int contracts, Instant? start = null, decimal priceShift = 0m)
    {
        var origin = start ?? Start;
        for (long i = 0; i < count; i++)
        {
            var contract = (int)(i % contracts);
            var underlying = "U" + (contract % 5).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var strike = 100m + contract;
            var type = contract % 2 == 0 ? OptionType.Call : OptionType.Put;
            var bid = 2m + (i % 50) * 0.01m + priceShift;
            yield return new OptionQuote
            {
                UnderlyingSymbol = underlying,
                OptionSymbol = $"{underlying}261218{(type == OptionType.Call ? 'C' : 'P')}{strike * 1000:00000000}",
                Timestamp = origin + Duration.FromMinutes(i / contracts),
                ExpirationDate = new LocalDate(2026, 12, 18),
                StrikePrice = strike,
                OptionType = type,
                BidPrice = bid,
                AskPrice = bid + 0.1m,
                LastPrice = bid + 0.05m,
                Volume = 10 + i,
                OpenInterest = 1000,
                ImpliedVolatility = 0.25m,
                Delta = type == OptionType.Call ? 0.55m : -0.45m,
                Gamma = 0.02m,
                Theta = -0.03m,
                Vega = 0.12m,
                Rho = 0.05m,
                IntrinsicValue = 0m,
                TimeValue = bid,
            };
        }
    }
}
