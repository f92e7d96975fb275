using System.Xml.Linq;
using NodaTime;
using QuickStart;
using Trading.Timescale.Queries;

namespace Trading.Timescale.Tests.Samples;

/// <summary>The pure parts of samples/QuickStart: Black–Scholes, the simulated market, the signal report and the SVG chart.</summary>
public sealed class QuickStartTests
{
    [Theory]
    [InlineData(42, 40, 0.10, 0.20, 0.5, true, 4.7594)]     // Hull, Options, Futures and Other Derivatives, example 15.6
    [InlineData(42, 40, 0.10, 0.20, 0.5, false, 0.8086)]
    [InlineData(100, 100, 0.05, 0.20, 1.0, true, 10.4506)]
    [InlineData(100, 100, 0.05, 0.20, 1.0, false, 5.5735)]
    public void Black_Scholes_prices_match_published_values(double spot, double strike, double rate, double volatility, double years, bool isCall, double expected)
    {
        Assert.Equal(expected, BlackScholes.Value(spot, strike, years, rate, volatility, isCall).Price, 4);
    }

    [Fact]
    public void Black_Scholes_greeks_match_published_values_and_finite_differences()
    {
        var call = BlackScholes.Value(100, 100, 1, 0.05, 0.2, isCall: true);
        Assert.Equal(0.6368, call.Delta, 4);
        Assert.Equal(0.01876, call.Gamma, 5);
        Assert.Equal(0.3752, call.Vega, 4);
        Assert.Equal(-6.4140 / 365, call.Theta, 5);
        Assert.Equal(0.5323, call.Rho, 4);

        const double h = 0.01;
        double Price(double spot = 100, double years = 1, double rate = 0.05, double volatility = 0.2, bool isCall = false) =>
            BlackScholes.Value(spot, 100, years, rate, volatility, isCall).Price;
        var put = BlackScholes.Value(100, 100, 1, 0.05, 0.2, isCall: false);
        Assert.Equal((Price(100 + h) - Price(100 - h)) / (2 * h), put.Delta, 5);
        Assert.Equal((Price(100 + h) - 2 * Price() + Price(100 - h)) / (h * h), put.Gamma, 3);
        Assert.Equal((Price(volatility: 0.2 + h / 100) - Price(volatility: 0.2 - h / 100)) / (2 * h), put.Vega, 5);
        Assert.Equal((Price(rate: 0.05 + h / 100) - Price(rate: 0.05 - h / 100)) / (2 * h), put.Rho, 5);
        Assert.Equal((Price(years: 1 - 1.0 / 365) - Price()), put.Theta, 4);
    }

    [Theory]
    [InlineData(228, 200, 0.02)]
    [InlineData(228, 228, 0.25)]
    [InlineData(590, 650, 1.5)]
    public void Put_call_parity_holds(double spot, double strike, double years)
    {
        var call = BlackScholes.Value(spot, strike, years, 0.04, 0.3, isCall: true);
        var put = BlackScholes.Value(spot, strike, years, 0.04, 0.3, isCall: false);

        Assert.Equal(spot - strike * Math.Exp(-0.04 * years), call.Price - put.Price, 6);
        Assert.Equal(1, call.Delta - put.Delta, 9);
    }

    [Fact]
    public void Simulated_quotes_straddle_the_model_price_and_fit_the_columns()
    {
        var market = SampleMarket.Simulate(new LocalDate(2026, 3, 2), symbolCount: 20);
        var quotes = market.OptionChains(["AAPL", "SPY"]).ToList();

        Assert.Equal(2 * 13 * 4 * 11 * 2, quotes.Count);
        foreach (var quote in quotes)
        {
            var spot = (double)market.PriceAt(quote.UnderlyingSymbol, quote.Timestamp);
            var expiry = quote.ExpirationDate.At(new LocalTime(16, 0)).InZoneStrictly(SampleMarket.Exchange).ToInstant();
            var model = BlackScholes.Value(spot, (double)quote.StrikePrice, (expiry - quote.Timestamp).TotalDays / 365,
                SampleMarket.RiskFreeRate, (double)quote.ImpliedVolatility!.Value, quote.OptionType == OptionType.Call);

            Assert.True(quote.BidPrice < quote.AskPrice, $"{quote.OptionSymbol}: bid {quote.BidPrice} < ask {quote.AskPrice}");
            Assert.InRange(model.Price, (double)quote.BidPrice!.Value - 0.005, (double)quote.AskPrice!.Value + 0.005);
            Assert.InRange(quote.LastPrice!.Value, quote.BidPrice.Value, quote.AskPrice.Value);
            Assert.Equal(model.Delta, (double)quote.Delta!.Value, 1e-4);
            Assert.Equal(model.Theta, (double)quote.Theta!.Value, 1e-4);
            foreach (var greek in new[] { quote.ImpliedVolatility, quote.Delta, quote.Gamma, quote.Theta, quote.Vega, quote.Rho })
            {
                Assert.True(Math.Abs(greek!.Value) < 100 && greek.Value.Scale <= 6, $"{quote.OptionSymbol}: {greek} does not fit numeric(8,6)");
            }
        }

        var smile = quotes.Where(q => q.Timestamp == quotes[0].Timestamp && q.ExpirationDate == quotes[0].ExpirationDate
            && q.UnderlyingSymbol == "AAPL" && q.OptionType == OptionType.Put).Select(q => q.ImpliedVolatility!.Value).ToList();
        var convex = smile.Zip(smile.Skip(1), smile.Skip(2)).All(t => t.First + t.Third > 2 * t.Second);
        Assert.True(smile[0] > smile[5] && smile[5] > smile[^1] && convex, $"a skewed, convex smile: {string.Join(", ", smile)}");
    }

    [Fact]
    public void Simulated_bars_are_deterministic_and_volume_is_U_shaped()
    {
        var first = SampleMarket.Simulate(new LocalDate(2026, 3, 2), symbolCount: 50);
        var second = SampleMarket.Simulate(new LocalDate(2026, 3, 2), symbolCount: 50);

        Assert.Equal(50, first.Bars.Count);
        Assert.Equal(first.Bars["AAPL"], second.Bars["AAPL"]);
        Assert.Equal(Instant.FromUtc(2026, 3, 2, 14, 30), first.Open);
        Assert.All(first.Bars.Values.SelectMany(b => b), b => Assert.True(b.LowPrice <= Math.Min(b.OpenPrice!.Value, b.ClosePrice!.Value)
            && b.HighPrice >= Math.Max(b.OpenPrice.Value, b.ClosePrice.Value), $"{b.Symbol} {b.Timestamp}"));
        long Volume(int from, int to) => first.Bars.Values.Sum(bars => bars[from..to].Sum(b => b.Volume!.Value));
        Assert.True(Volume(0, 30) > 2 * Volume(180, 210) && Volume(360, 390) > 2 * Volume(180, 210));
    }

    [Theory]
    [InlineData(SignalType.Buy, 100.0, 98.0, "-2.00%", "-2.00%")]    // the price fell: a BUY lost
    [InlineData(SignalType.Sell, 100.0, 98.0, "-2.00%", "+2.00%")]   // the price fell: a SELL earned it
    [InlineData(SignalType.Buy, 100.0, 103.0, "+3.00%", "+3.00%")]
    [InlineData(SignalType.Sell, 100.0, 103.0, "+3.00%", "-3.00%")]
    public void The_signal_return_is_what_following_the_signal_earned(SignalType type, double entry, double exit, string underlying, string signalReturn)
    {
        var at = Instant.FromUtc(2026, 3, 2, 15, 0);
        var forward = exit / entry - 1;
        var outcome = new SignalOutcome(
            new TradingSignal { Symbol = "AAPL", SignalType = type, Confidence = 0.82m, Timestamp = at, TargetPrice = 105m, StopLoss = 97m },
            at, (decimal)entry, at + Duration.FromHours(2), (decimal)exit, forward, type == SignalType.Sell ? -forward : forward,
            SignalHit.None, null, false);

        var row = SignalReport.Outcome(outcome);
        var summary = Assert.Single(SignalReport.Summary([outcome]));

        Assert.Equal(SignalReport.OutcomeHeaders.Count, row.Count);
        Assert.Equal((">underlying", ">signal return"), (SignalReport.OutcomeHeaders[^2], SignalReport.OutcomeHeaders[^1]));
        Assert.Equal((type.ToString().ToUpperInvariant(), underlying, signalReturn), (row[2], row[^2], row[^1]));
        Assert.Equal(">avg signal return", SignalReport.SummaryHeaders[^1]);
        Assert.Equal(("0.80 and up", signalReturn), (summary[0], summary[^1]));
    }

    [Fact]
    public void The_demo_needs_an_explicit_option_to_use_a_database_and_never_shows_its_password()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "postgresql://trader:s3cret-pw@db.example:6543/demo\n");

            var none = DemoArguments.Parse([]);
            var url = DemoArguments.Parse(["--database-url", "postgresql://trader@db.example/demo", "--symbols", "12"]);
            var fromFile = DemoArguments.Parse(["--connection-file", file]);
            var both = Assert.Throws<ArgumentException>(() => DemoArguments.Parse(["--database-url", "postgresql://a@b/c", "--connection-file", file]));
            var unreadable = Assert.Throws<ArgumentException>(() => DemoArguments.Parse(["--database-url", "postgresql://trader:s3cret-pw@db.example:port/demo"]));
            var symbols = Assert.Throws<ArgumentException>(() => DemoArguments.Parse(["--symbols", "3"]));
            var unknown = Assert.Throws<ArgumentException>(() => DemoArguments.Parse(["--connection", "Host=x"]));

            Assert.Equal((null, null, DemoArguments.DefaultSymbols), (none.ConnectionString, none.Source, none.Symbols));
            Assert.Equal(("--database-url", 12), (url.Source, url.Symbols));
            Assert.Contains("Host=db.example", url.ConnectionString, StringComparison.Ordinal);
            Assert.Equal($"--connection-file {file}", fromFile.Source);
            Assert.Contains("Password=s3cret-pw", fromFile.ConnectionString, StringComparison.Ordinal);
            Assert.Equal("pass either --database-url or --connection-file, not both.", both.Message);
            Assert.Equal("--database-url: not a postgresql:// URL or Npgsql connection string that can be read.", unreadable.Message);
            Assert.Equal("--symbols 3: give a whole number from 4 to 1000.", symbols.Message);
            Assert.Equal("unknown argument '--connection'.", unknown.Message);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void The_chart_is_well_formed_svg_with_both_panels()
    {
        var start = Instant.FromUtc(2026, 3, 2, 14, 30);
        var points = Enumerable.Range(0, 60).Select(i => new ChartPoint(start + Duration.FromMinutes(i), 100 + Math.Sin(i / 5.0),
            i < 19 ? null : 100, i < 19 ? null : 101.5, i < 19 ? null : 98.5, i < 14 ? null : 50 + 25 * Math.Sin(i / 7.0))).ToList();

        var svg = XDocument.Parse(Chart.Svg("A&B <test>", points, SampleMarket.Exchange));

        XNamespace ns = "http://www.w3.org/2000/svg";
        Assert.Equal(ns + "svg", svg.Root!.Name);
        Assert.Equal(3, svg.Descendants(ns + "polyline").Count());   // middle band, close, RSI
        Assert.Single(svg.Descendants(ns + "polygon"));
        var texts = svg.Descendants(ns + "text").Select(t => t.Value).ToList();
        Assert.Contains("A&B <test>", texts);
        Assert.Contains("10:00", texts);
        Assert.Contains("70", texts);
        Assert.Contains("30", texts);
    }
}
