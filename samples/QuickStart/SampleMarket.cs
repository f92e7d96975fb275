using System.Globalization;
using NodaTime;
using Trading.Timescale;

namespace QuickStart;

/// <summary>
/// A deterministic simulated trading day: one-minute bars for many symbols over one regular session, option chains
/// priced with Black–Scholes on a volatility smile, and model signals judged later against the bars.
/// </summary>
internal sealed class SampleMarket
{
    public const int Seed = 20_260_302;
    public const int SessionMinutes = 390;
    public const double RiskFreeRate = 0.04;
    public static readonly DateTimeZone Exchange = DateTimeZoneProviders.Tzdb["America/New_York"];

    private static readonly (string Symbol, double Price)[] WellKnown =
    [
        ("AAPL", 228), ("MSFT", 415), ("NVDA", 138), ("SPY", 590), ("QQQ", 505), ("AMZN", 205), ("GOOGL", 172),
        ("META", 585), ("TSLA", 342), ("JPM", 241), ("V", 312), ("XOM", 119), ("UNH", 512), ("AMD", 137), ("NFLX", 880),
    ];

    private SampleMarket(LocalDate day, IReadOnlyDictionary<string, StockPrice[]> bars)
    {
        Day = day;
        Bars = bars;
        Open = day.At(new LocalTime(9, 30)).InZoneStrictly(Exchange).ToInstant();
    }

    /// <summary>The session's date in New York.</summary>
    public LocalDate Day { get; }

    /// <summary>09:30 New York on <see cref="Day"/>.</summary>
    public Instant Open { get; }

    /// <summary>16:00 New York on <see cref="Day"/>, the end of the last bar.</summary>
    public Instant Close => Open + Duration.FromMinutes(SessionMinutes);

    /// <summary>Each symbol's 390 bars, oldest first.</summary>
    public IReadOnlyDictionary<string, StockPrice[]> Bars { get; }

    /// <summary>The symbols, well-known ones first.</summary>
    public IEnumerable<string> Symbols => Bars.Keys;

    /// <summary>Simulates the regular session of <paramref name="day"/> for <paramref name="symbolCount"/> symbols.</summary>
    public static SampleMarket Simulate(LocalDate day, int symbolCount)
    {
        var open = day.At(new LocalTime(9, 30)).InZoneStrictly(Exchange).ToInstant();
        var bars = new Dictionary<string, StockPrice[]>();
        var index = 0;
        foreach (var (symbol, price) in Universe(symbolCount))
        {
            bars[symbol] = Session(symbol, price, open, new Random(Seed + index++));
        }

        return new SampleMarket(day, bars);
    }

    /// <summary>The last weekday before <paramref name="today"/>.</summary>
    public static LocalDate PreviousWeekday(LocalDate today)
    {
        var day = today.PlusDays(-1);
        while (day.DayOfWeek is IsoDayOfWeek.Saturday or IsoDayOfWeek.Sunday)
        {
            day = day.PlusDays(-1);
        }

        return day;
    }

    /// <summary>
    /// Intraday volume relative to the session's average minute: heavy at the open, quiet at lunch, heavy into the
    /// close (the U shape of equity markets).
    /// </summary>
    public static double VolumeShape(int minute)
    {
        var x = (minute + 0.5) / SessionMinutes * 2 - 1;           // -1 at the open, 0 at midday, +1 at the close
        var opening = 1.6 * Math.Exp(-minute / 12.0);              // the opening auction's rush
        var closing = 1.2 * Math.Exp(-(SessionMinutes - 1 - minute) / 10.0);
        return 0.45 + 1.1 * x * x + opening + closing;
    }

    /// <summary>The instant of the snapshot after <paramref name="minutes"/> minutes of trading.</summary>
    public Instant At(int minutes) => Open + Duration.FromMinutes(minutes);

    /// <summary>The close of <paramref name="symbol"/> at the bar starting before <paramref name="at"/>.</summary>
    public decimal PriceAt(string symbol, Instant at)
    {
        var minute = (int)Math.Clamp((at - Open).TotalMinutes - 1, 0, SessionMinutes - 1);
        return Bars[symbol][minute].ClosePrice!.Value;
    }

    /// <summary>
    /// Option chains for <paramref name="underlyings"/>: four expirations, eleven strikes around the money, calls
    /// and puts, quoted every half hour. Prices and Greeks come from Black–Scholes on a skewed smile; bid and ask
    /// straddle the model price.
    /// </summary>
    public IEnumerable<OptionQuote> OptionChains(IReadOnlyList<string> underlyings)
    {
        var firstFriday = Day.Next(IsoDayOfWeek.Friday);
        LocalDate[] expirations = [firstFriday, firstFriday.PlusDays(7), firstFriday.PlusDays(28), firstFriday.PlusDays(84)];
        var random = new Random(Seed);
        for (var minute = 30; minute <= SessionMinutes; minute += 30)
        {
            var at = At(minute);
            foreach (var underlying in underlyings)
            {
                var spot = (double)PriceAt(underlying, at);
                var step = spot < 100 ? 2.5 : spot < 300 ? 5 : 10;
                var atm = Math.Round(spot / step) * step;
                foreach (var expiration in expirations)
                {
                    var expiry = expiration.At(new LocalTime(16, 0)).InZoneStrictly(Exchange).ToInstant();
                    var years = (expiry - at).TotalDays / 365;
                    for (var k = -5; k <= 5; k++)
                    {
                        var strike = atm + k * step;
                        foreach (var isCall in new[] { true, false })
                        {
                            yield return Quote(underlying, at, expiration, spot, strike, years, isCall, random);
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// Implied volatility on a smile: the at-the-money level falls with time to expiry, puts (low strikes) are
    /// richer than calls (the skew), and the curve is convex in the strike.
    /// </summary>
    public static double ImpliedVolatility(double spot, double strike, double years)
    {
        var atm = 0.22 + 0.08 * Math.Exp(-years * 12);
        var moneyness = Math.Log(strike / spot) / Math.Sqrt(Math.Max(years, 1.0 / 365));
        return Math.Max(0.05, atm - 0.035 * moneyness + 0.012 * moneyness * moneyness);
    }

    /// <summary>
    /// Model signals through the day on the most traded symbols. The model is right more often the more confident
    /// it is, so the outcomes table has something to show.
    /// </summary>
    public IEnumerable<TradingSignal> Signals(int count, Duration horizon)
    {
        var random = new Random(Seed + 1);
        var candidates = Symbols.Take(30).ToArray();
        var taken = new HashSet<(string Symbol, int Minute)>();   // one signal per symbol and minute: the table's natural key
        for (var i = 0; i < count; i++)
        {
            var symbol = candidates[random.Next(candidates.Length)];
            var minute = 15 + random.Next(SessionMinutes - 150);
            if (!taken.Add((symbol, minute)))
            {
                i--;
                continue;
            }

            var at = At(minute);
            var price = PriceAt(symbol, at);
            var later = PriceAt(symbol, at + horizon);
            var confidence = Math.Round(0.55m + (decimal)random.NextDouble() * 0.4m, 2);
            var right = random.NextDouble() < (double)confidence;
            var type = random.NextDouble() < 0.1 ? SignalType.Hold
                : (later >= price) == right ? SignalType.Buy : SignalType.Sell;
            var move = price * (0.002m + (decimal)random.NextDouble() * 0.004m);
            var direction = type == SignalType.Sell ? -1 : 1;
            yield return new TradingSignal
            {
                Symbol = symbol,
                Timestamp = at,
                SignalType = type,
                Confidence = confidence,
                TargetPrice = type == SignalType.Hold ? null : Math.Round(price + direction * move, 2),
                StopLoss = type == SignalType.Hold ? null : Math.Round(price - direction * move * 0.6m, 2),
                ModelVersion = "momentum-v3",
                Reasoning = type switch
                {
                    SignalType.Buy => "breakout above the 20-bar high on rising volume",
                    SignalType.Sell => "rejection at the upper band, momentum fading",
                    _ => "no edge: range-bound",
                },
                Features = string.Create(CultureInfo.InvariantCulture, $$"""{"rsi_14": {{random.Next(20, 81)}}, "volume_ratio": {{Math.Round(0.5 + random.NextDouble() * 2, 2)}}}"""),
                ExpiresAt = at + horizon,
            };
        }
    }

    private static IEnumerable<(string Symbol, double Price)> Universe(int count)
    {
        var random = new Random(Seed - 1);
        var seen = new HashSet<string>(WellKnown.Select(w => w.Symbol));
        foreach (var known in WellKnown.Take(count))
        {
            yield return known;
        }

        for (var i = WellKnown.Length; i < count; i++)
        {
            string symbol;
            do
            {
                symbol = new string(Enumerable.Range(0, 3 + random.Next(2)).Select(_ => (char)('A' + random.Next(26))).ToArray());
            }
            while (!seen.Add(symbol));

            yield return (symbol, Math.Round(Math.Exp(2.5 + random.NextDouble() * 3.5), 2));   // $12 to $400
        }
    }

    private static StockPrice[] Session(string symbol, double price, Instant open, Random random)
    {
        var dailyVolatility = 0.01 + random.NextDouble() * 0.02;
        var minuteVolatility = dailyVolatility / Math.Sqrt(SessionMinutes);
        var drift = (random.NextDouble() - 0.5) * dailyVolatility / SessionMinutes;
        var averageVolume = 2_000 + random.Next(60_000);
        var bars = new StockPrice[SessionMinutes];
        for (var minute = 0; minute < SessionMinutes; minute++)
        {
            var shape = VolumeShape(minute);
            var volatility = minuteVolatility * Math.Sqrt(shape);      // busier minutes move more
            var first = price;
            var last = first * Math.Exp(drift + volatility * Gaussian(random));
            var high = Math.Max(first, last) * (1 + Math.Abs(Gaussian(random)) * volatility * 0.5);
            var low = Math.Min(first, last) * (1 - Math.Abs(Gaussian(random)) * volatility * 0.5);
            var volume = (long)(averageVolume * shape * Math.Exp(0.35 * Gaussian(random)));
            var bar = new StockPrice
            {
                Symbol = symbol,
                Timestamp = open + Duration.FromMinutes(minute),
                OpenPrice = Cents(first),
                HighPrice = Cents(high),
                LowPrice = Cents(low),
                ClosePrice = Cents(last),
                Volume = volume,
            };
            bars[minute] = bar with
            {
                HighPrice = Math.Max(bar.HighPrice!.Value, Math.Max(bar.OpenPrice!.Value, bar.ClosePrice!.Value)),
                LowPrice = Math.Min(bar.LowPrice!.Value, Math.Min(bar.OpenPrice.Value, bar.ClosePrice.Value)),
                Vwap = Math.Round((bar.HighPrice.Value + bar.LowPrice.Value + 2 * bar.ClosePrice.Value) / 4, 4),
            };
            price = (double)bar.ClosePrice.Value;
        }

        return bars;
    }

    private static OptionQuote Quote(string underlying, Instant at, LocalDate expiration, double spot, double strike, double years, bool isCall, Random random)
    {
        var volatility = ImpliedVolatility(spot, strike, years);
        var model = BlackScholes.Value(spot, strike, years, RiskFreeRate, volatility, isCall);
        var halfSpread = Math.Max(0.01, Math.Round(0.005 + model.Price * 0.01, 2));
        var mid = Math.Round(model.Price, 2);
        var bid = Math.Max(0, mid - halfSpread);
        var ask = mid + halfSpread;
        var intrinsic = Math.Max(0, isCall ? spot - strike : strike - spot);
        var distance = Math.Abs(Math.Log(strike / spot)) / (volatility * Math.Sqrt(years));
        var activity = Math.Exp(-distance * distance) * (isCall ? 1.0 : 0.85) / (1 + years * 4);
        return new OptionQuote
        {
            UnderlyingSymbol = underlying,
            OptionSymbol = string.Create(CultureInfo.InvariantCulture, $"{underlying}{expiration:yyMMdd}{(isCall ? 'C' : 'P')}{(long)(strike * 1000):00000000}"),
            Timestamp = at,
            ExpirationDate = expiration,
            StrikePrice = (decimal)strike,
            OptionType = isCall ? OptionType.Call : OptionType.Put,
            BidPrice = Cents(bid),
            AskPrice = Cents(ask),
            LastPrice = Cents(bid + (ask - bid) * random.NextDouble()),
            Volume = (long)(20 + 6_000 * activity * random.NextDouble()),
            OpenInterest = (long)(500 + 40_000 * activity * (0.5 + random.NextDouble())),
            ImpliedVolatility = Greek(volatility),
            Delta = Greek(model.Delta),
            Gamma = Greek(model.Gamma),
            Theta = Greek(model.Theta),
            Vega = Greek(model.Vega),
            Rho = Greek(model.Rho),
            IntrinsicValue = Math.Round((decimal)intrinsic, 4),
            TimeValue = Math.Round((decimal)(model.Price - intrinsic), 4),
        };
    }

    private static decimal Cents(double value) => Math.Round((decimal)value, 2);

    private static decimal Greek(double value) => Math.Round((decimal)value, 6);   // numeric(8,6)

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
