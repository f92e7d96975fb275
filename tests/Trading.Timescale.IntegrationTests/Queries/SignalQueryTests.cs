using NodaTime;
using NodaTime.Text;
using Trading.Timescale.IntegrationTests.Infrastructure;
using Trading.Timescale.Queries;

namespace Trading.Timescale.IntegrationTests.Queries;

/// <summary>Signal filters, the spec's performance by symbol, and outcomes checked by hand against the bars below.</summary>
public sealed class SignalQueryTests(TimescaleServerFixture server) : QueryTest(server)
{
    private static Instant At(string time) => InstantPattern.ExtendedIso.Parse($"2026-03-02T{time}:00Z").Value;

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        await ExecuteAsync("""
            INSERT INTO trading.stock_prices (symbol, timestamp, high_price, low_price, close_price) VALUES
            ('SIG', '2026-03-02T15:00:00Z', 100.2, 99.8, 100.0),
            ('SIG', '2026-03-02T15:05:00Z', 101.0, 99.5, 100.5),
            ('SIG', '2026-03-02T15:10:00Z', 103.0, 100.0, 102.5),
            ('SIG', '2026-03-02T15:15:00Z', 104.0, 97.0, 98.0),
            ('SIG', '2026-03-02T15:20:00Z', 99.0, 95.0, 96.0),
            ('SIG', '2026-03-02T17:00:00Z', 91.0, 89.0, 90.0);
            INSERT INTO trading.signals (symbol, signal_type, confidence, target_price, stop_loss, model_version, timestamp) VALUES
            ('SIG', 'BUY', 0.90, 102.0, 98.0, 'v1', '2026-03-02T15:00:00Z'),
            ('SIG', 'BUY', 0.70, 103.5, 97.5, 'v2', '2026-03-02T15:00:00Z'),
            ('SIG', 'SELL', 0.85, 96.0, 103.2, 'v1', '2026-03-02T15:05:00Z'),
            ('SIG', 'HOLD', 0.50, NULL, NULL, 'v1', '2026-03-02T15:10:00Z'),
            ('NOBARS', 'BUY', 0.95, 10.0, 5.0, 'v1', '2026-03-02T15:00:00Z'),
            ('SIG', 'SELL', 0.60, 99.0, 101.0, 'v1', '2026-03-02T14:00:00Z');
            """);
    }

    [Fact]
    public async Task Filters_combine_and_default_to_newest_first()
    {
        var all = await Queries.Signals().ToListAsync(Ct);
        var confident = await Queries.Signals().MinimumConfidence(0.85m).ToListAsync(Ct);
        var sells = await Queries.Signals().OfType(SignalType.Sell).OrderBy(SortDirection.Ascending).ToListAsync(Ct);
        var v2 = await Queries.Signals().ModelVersion("v2").ToListAsync(Ct);
        var window = await Queries.Signals().ForSymbols("SIG").Between(At("15:00"), At("15:10")).Take(10).ToListAsync(Ct);

        Assert.Equal(6, all.Count);
        Assert.Equal(At("15:10"), all[0].Timestamp);
        Assert.Equal([0.85m, 0.90m, 0.95m], confident.Select(s => s.Confidence).Order());
        Assert.Equal([At("14:00"), At("15:05")], sells.Select(s => s.Timestamp));
        Assert.Equal(0.70m, Assert.Single(v2).Confidence);
        Assert.Equal([At("15:05"), At("15:00"), At("15:00")], window.Select(s => s.Timestamp));
    }

    [Fact]
    public async Task Performance_by_symbol_is_the_specs_query()
    {
        var performance = await Queries.Signals().PerformanceBySymbol().ToListAsync(Ct);

        Assert.Equal(2, performance.Count);
        Assert.Equal(("SIG", 5L, 2L, 2L, 1L), (performance[0].Symbol, performance[0].TotalSignals, performance[0].BuySignals, performance[0].SellSignals, performance[0].HoldSignals));
        Assert.Equal(0.71m, Math.Round(performance[0].AverageConfidence, 10));
        Assert.Equal(("NOBARS", 1L, 0.95m), (performance[1].Symbol, performance[1].TotalSignals, Math.Round(performance[1].AverageConfidence, 10)));
    }

    [Fact]
    public async Task Outcomes_match_the_hand_checked_cases()
    {
        var outcomes = await Queries.Signals().OrderBy(SortDirection.Ascending).Outcomes(Duration.FromHours(1)).ToListAsync(Ct);
        SignalOutcome Of(string symbol, string model, string time) =>
            outcomes.Single(o => o.Signal.Symbol == symbol && o.Signal.ModelVersion == model && o.Signal.Timestamp == At(time));

        Assert.Equal(6, outcomes.Count);
        Assert.Equal(outcomes.OrderBy(o => o.Signal.Timestamp).Select(o => o.Signal.Timestamp), outcomes.Select(o => o.Signal.Timestamp));

        // BUY 102 / 98: the 15:10 high 103 reaches the target before the 15:15 low 97 reaches the stop. Entry 100, exit 96 (15:20).
        var buy = Of("SIG", "v1", "15:00");
        Assert.Equal((SignalHit.Target, At("15:10"), false), (buy.FirstHit, buy.HitAt, buy.SameBar));
        Assert.Equal((100m, 96m, At("15:00"), At("15:20")), (buy.EntryPrice!.Value, buy.ExitPrice!.Value, buy.EntryAt, buy.ExitAt));
        Assert.Equal(-0.04, buy.ForwardReturn!.Value, 12);
        Assert.Equal(-0.04, buy.DirectionalReturn!.Value, 12);

        // BUY 103.5 / 97.5: the 15:15 bar (high 104, low 97) reaches both: the stop counts first.
        var tie = Of("SIG", "v2", "15:00");
        Assert.Equal((SignalHit.Stop, At("15:15"), true), (tie.FirstHit, tie.HitAt, tie.SameBar));

        // SELL 96 / 103.2: the 15:15 high 104 reaches the stop before the 15:20 low 95 reaches the target. Entry 100.5.
        var sell = Of("SIG", "v1", "15:05");
        Assert.Equal((SignalHit.Stop, At("15:15"), false), (sell.FirstHit, sell.HitAt, sell.SameBar));
        Assert.Equal(96.0 / 100.5 - 1, sell.ForwardReturn!.Value, 12);
        Assert.Equal(1 - 96.0 / 100.5, sell.DirectionalReturn!.Value, 12);

        // HOLD: no levels, no direction; the price still moved from 102.5 to 96.
        var hold = Of("SIG", "v1", "15:10");
        Assert.Equal((SignalHit.None, (Instant?)null, (double?)null), (hold.FirstHit, hold.HitAt, hold.DirectionalReturn));
        Assert.Equal(96.0 / 102.5 - 1, hold.ForwardReturn!.Value, 12);

        // No bars at all; and a signal with no bar before it (entry unknown) whose window holds only the 15:00 bar.
        var none = Of("NOBARS", "v1", "15:00");
        Assert.Equal((null, null, null, SignalHit.None), (none.EntryPrice, none.ExitPrice, none.ForwardReturn, none.FirstHit));
        var early = Of("SIG", "v1", "14:00");
        Assert.Equal((null, 100m, null, SignalHit.None), (early.EntryPrice, early.ExitPrice, early.ForwardReturn, early.FirstHit));
    }
}
