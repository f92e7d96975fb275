using NodaTime;
using Trading.Timescale.Ingest;
using Trading.Timescale.IntegrationTests.Infrastructure;

namespace Trading.Timescale.IntegrationTests.Ingest;

public sealed class SingleRowTests(TimescaleServerFixture server) : IngestTest(server)
{
    [Fact]
    public async Task WriteSignalAsync_returns_the_id_and_the_same_id_for_the_same_key()
    {
        var signal = new TradingSignal { Symbol = "NVDA", SignalType = SignalType.Sell, Confidence = 0.9m, ModelVersion = "lstm-3", Timestamp = MarketData.Start };

        var id = await Ingest.WriteSignalAsync(signal, Ct);
        var other = await Ingest.WriteSignalAsync(signal with { Timestamp = MarketData.Start + Duration.FromMinutes(1) }, Ct);
        var again = await Ingest.WriteSignalAsync(signal with { Confidence = 0.95m }, Ct);

        Assert.NotEqual(id, other);
        Assert.Equal(id, again);
        Assert.Equal(0.95m, await ScalarAsync<decimal>("SELECT confidence FROM trading.signals WHERE id = $1", id));
        Assert.Equal(2L, await ScalarAsync<long>("SELECT count(*) FROM trading.signals"));
    }

    [Fact]
    public async Task WriteEventAsync_returns_the_generated_id()
    {
        var id = await Ingest.WriteEventAsync(new SystemEvent
        {
            EventType = "kill_switch",
            Severity = EventSeverity.Critical,
            Source = "risk",
            Message = "drawdown limit hit",
            Details = """{"drawdown": 0.12}""",
            Timestamp = MarketData.Start,
        }, Ct);

        Assert.Equal("CRITICAL risk kill_switch", await ScalarAsync<string>("SELECT severity || ' ' || source || ' ' || event_type FROM trading.system_events WHERE id = $1", id));
        Assert.Equal(0.12m, await ScalarAsync<decimal>("SELECT (details->>'drawdown')::numeric FROM trading.system_events WHERE id = $1", id));
    }

    [Fact]
    public async Task An_invalid_single_row_is_refused_before_sending()
    {
        var ex = await Assert.ThrowsAsync<IngestValidationException>(() => Ingest.WriteSignalAsync(
            new TradingSignal { Symbol = "AAPL", SignalType = SignalType.Buy, Confidence = 1.5m, Timestamp = MarketData.Start }, Ct));

        Assert.Equal("row 1: confidence 1.5 is outside [0, 1] for AAPL (no model) 2026-05-04T13:30:00Z", Assert.Single(ex.Errors).Message);
        Assert.Equal(0L, await ScalarAsync<long>("SELECT count(*) FROM trading.signals"));
    }
}
