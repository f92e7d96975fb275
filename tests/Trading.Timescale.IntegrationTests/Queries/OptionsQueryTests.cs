using NodaTime;
using NodaTime.Text;
using Trading.Timescale.IntegrationTests.Infrastructure;
using Trading.Timescale.Queries;

namespace Trading.Timescale.IntegrationTests.Queries;

/// <summary>Option chains as of an instant and their analytics, on a hand-made chain with hand-computed answers.</summary>
public sealed class OptionsQueryTests(TimescaleServerFixture server) : QueryTest(server)
{
    private static readonly Instant AsOf = InstantPattern.ExtendedIso.Parse("2026-03-02T15:30:00Z").Value;
    private static readonly LocalDate March = new(2026, 3, 20);
    private static readonly LocalDate April = new(2026, 4, 17);

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        await PauseJobsAsync(); // a hand-made chain dated March 2026, past options_data's retention
        await ExecuteAsync("""
            INSERT INTO trading.stock_prices (symbol, timestamp, close_price) VALUES
            ('XYZ', '2026-03-02T14:00:00Z', 101.00), ('XYZ', '2026-03-02T16:00:00Z', 120.00);
            INSERT INTO trading.options_data (underlying_symbol, option_symbol, timestamp, expiration_date, strike_price, option_type,
                                              volume, open_interest, implied_volatility) VALUES
            ('XYZ', 'XYZ260320C00095000', '2026-03-02T14:00:00Z', '2026-03-20', 95, 'CALL', 10, 100, 0.30),
            ('XYZ', 'XYZ260320C00095000', '2026-03-02T15:00:00Z', '2026-03-20', 95, 'CALL', 15, 100, 0.31),
            ('XYZ', 'XYZ260320C00095000', '2026-03-02T16:00:00Z', '2026-03-20', 95, 'CALL', 999, 999, 0.99),
            ('XYZ', 'XYZ260320P00095000', '2026-03-02T15:00:00Z', '2026-03-20', 95, 'PUT', 20, 300, 0.35),
            ('XYZ', 'XYZ260320C00100000', '2026-03-02T15:20:00Z', '2026-03-20', 100, 'CALL', 40, 500, 0.25),
            ('XYZ', 'XYZ260320P00100000', '2026-03-02T15:30:00Z', '2026-03-20', 100, 'PUT', 30, 400, 0.27),
            ('XYZ', 'XYZ260320C00105000', '2026-03-02T14:30:00Z', '2026-03-20', 105, 'CALL', 5, 50, 0.22),
            ('XYZ', 'XYZ260417C00100000', '2026-03-02T15:10:00Z', '2026-04-17', 100, 'CALL', 8, 80, 0.28),
            ('XYZ', 'XYZ260417P00100000', '2026-03-02T15:10:00Z', '2026-04-17', 100, 'PUT', 12, 90, 0.30),
            ('XYZ', 'XYZ260417C00110000', '2026-03-02T15:10:00Z', '2026-04-17', 110, 'CALL', 1, 10, 0.26),
            ('XYZ', 'XYZ260417P00090000', '2026-03-02T16:00:00Z', '2026-04-17', 90, 'PUT', 500, 0, 0.40),
            ('ABC', 'ABC260320C00050000', '2026-03-02T15:00:00Z', '2026-03-20', 50, 'CALL', 7, 70, 0.50);
            """);
    }

    [Fact]
    public async Task The_chain_as_of_an_instant_holds_each_contracts_newest_quote_at_or_before_it()
    {
        var chain = await Queries.OptionChain("XYZ").AsOf(AsOf).ToListAsync(Ct);
        var newest = await Queries.OptionChain("XYZ").ToListAsync(Ct);

        Assert.Equal(
            ["XYZ260320C00095000", "XYZ260320P00095000", "XYZ260320C00100000", "XYZ260320P00100000", "XYZ260320C00105000",
             "XYZ260417C00100000", "XYZ260417P00100000", "XYZ260417C00110000"],
            chain.Select(q => q.OptionSymbol));
        var call95 = chain[0];
        Assert.Equal((InstantPattern.ExtendedIso.Parse("2026-03-02T15:00:00Z").Value, 15L, 0.31m), (call95.Timestamp, call95.Volume!.Value, call95.ImpliedVolatility!.Value));
        Assert.Equal(AsOf, chain[3].Timestamp);
        Assert.Equal(9, newest.Count);
        Assert.Equal(999L, newest.Single(q => q.OptionSymbol == "XYZ260320C00095000").Volume);
    }

    [Fact]
    public async Task Expiration_strike_type_and_lookback_narrow_the_chain()
    {
        var calls = await Queries.OptionChain("XYZ").AsOf(AsOf).Expiring(March, March).Strikes(96m, 105m).OfType(OptionType.Call).ToListAsync(Ct);
        var puts = await Queries.OptionChain("XYZ").AsOf(AsOf).OfType(OptionType.Put).Expiring(null, March).ToListAsync(Ct);
        var recent = await Queries.OptionChain("XYZ").AsOf(AsOf).Within(Duration.FromMinutes(45)).ToListAsync(Ct);

        Assert.Equal(["XYZ260320C00100000", "XYZ260320C00105000"], calls.Select(q => q.OptionSymbol));
        Assert.Equal(["XYZ260320P00095000", "XYZ260320P00100000"], puts.Select(q => q.OptionSymbol));
        Assert.Equal(7, recent.Count);
        Assert.DoesNotContain(recent, q => q.OptionSymbol == "XYZ260320C00105000");
    }

    [Fact]
    public async Task Put_call_ratios_by_volume_and_open_interest()
    {
        var ratio = Assert.Single(await Queries.PutCallRatio("XYZ").AsOf(AsOf).ToListAsync(Ct));
        var none = Assert.Single(await Queries.PutCallRatio("NOPE").ToListAsync(Ct));

        // Puts: 20 + 30 + 12 = 62 volume, 300 + 400 + 90 = 790 open interest; calls: 15 + 40 + 5 + 8 + 1 = 69, 100 + 500 + 50 + 80 + 10 = 740.
        Assert.Equal(("XYZ", 8L, 62L, 69L, 790L, 740L), (ratio.UnderlyingSymbol, ratio.Contracts, ratio.PutVolume, ratio.CallVolume, ratio.PutOpenInterest, ratio.CallOpenInterest));
        Assert.Equal(62m / 69m, ratio.VolumeRatio!.Value, 15);
        Assert.Equal(790m / 740m, ratio.OpenInterestRatio!.Value, 15);
        Assert.Equal((0L, null, null), (none.Contracts, none.VolumeRatio, none.OpenInterestRatio));
    }

    [Fact]
    public async Task Smile_term_structure_and_most_active()
    {
        var smile = await Queries.VolatilitySmile("XYZ", March).AsOf(AsOf).ToListAsync(Ct);
        var term = await Queries.VolatilityTermStructure("XYZ").AsOf(AsOf).ToListAsync(Ct);
        var active = await Queries.MostActiveContracts("XYZ", 3).AsOf(AsOf).ToListAsync(Ct);

        Assert.Equal([new SmilePoint(95m, 0.31m, 0.35m), new SmilePoint(100m, 0.25m, 0.27m), new SmilePoint(105m, 0.22m, null)], smile);
        // Spot 101 (the 16:00 close of 120 is after the instant): the nearest strike is 100 in both expirations.
        Assert.Equal(2, term.Count);
        Assert.Equal((March, 101m, 100m, 0.25m, 0.27m), (term[0].ExpirationDate, term[0].UnderlyingPrice, term[0].AtmStrike, term[0].CallImpliedVolatility!.Value, term[0].PutImpliedVolatility!.Value));
        Assert.Equal(0.26m, term[0].ImpliedVolatility!.Value, 10);
        Assert.Equal((April, 100m, 0.29m), (term[1].ExpirationDate, term[1].AtmStrike, Math.Round(term[1].ImpliedVolatility!.Value, 10)));
        Assert.Equal(["XYZ260320C00100000", "XYZ260320P00100000", "XYZ260320P00095000"], active.Select(q => q.OptionSymbol));
    }
}
