using NodaTime;
using Trading.Timescale.Positions;
using Trading.Timescale.Positions.Internal;

namespace Trading.Timescale.Tests.Positions;

public class PositionValidationTests
{
    private static readonly OptionLeg Call = new("AAPL260320C00150000", OptionType.Call, 150m, new LocalDate(2026, 3, 20));

    [Fact]
    public void Open_defaults_the_multiplier_by_instrument()
    {
        Assert.Equal((InstrumentType.Stock, 1), PositionValidation.ValidateOpen(new OpenPositionRequest("AAPL", 10m, 150m)));
        Assert.Equal((InstrumentType.Option, 100), PositionValidation.ValidateOpen(new OpenPositionRequest("AAPL", -2m, 3.10m) { Option = Call }));
        Assert.Equal((InstrumentType.Option, 10), PositionValidation.ValidateOpen(new OpenPositionRequest("AAPL", 1m, 3.10m) { Option = Call, Multiplier = 10 }));
    }

    [Theory]
    [InlineData(0, 1, 0, "Quantity 0 is not allowed: a trade must buy or sell something (positive opens a long, negative a short).")]
    [InlineData(1.00001, 1, 0, "Quantity 1.00001 has more than 4 decimal places, the scale of trading.positions; round it first.")]
    [InlineData(1, -0.01, 0, "Price -0.01 is not allowed: prices are zero or more.")]
    [InlineData(1, 100000000, 0, "Price 100000000 is too large: numeric(12,4) holds at most 99999999.9999.")]
    [InlineData(1, 10.12345, 0, "Price 10.12345 has more than 4 decimal places, the scale of trading.positions; round it first.")]
    [InlineData(1, 1, -1.5, "Fees -1.5 is not allowed: fees are zero or more and are subtracted from realized P&L.")]
    public void Open_names_the_field_and_value(double quantity, double price, double fees, string message)
    {
        var request = new OpenPositionRequest("AAPL", (decimal)quantity, (decimal)price) { Fees = (decimal)fees };
        var ex = Assert.Throws<ArgumentException>(() => PositionValidation.ValidateOpen(request));
        Assert.StartsWith(message, ex.Message);
    }

    [Fact]
    public void Open_checks_text_fields_signal_link_multiplier_and_option_leg()
    {
        AssertMessage(new OpenPositionRequest("", 1m, 1m), "Symbol is required: it must not be empty.");
        AssertMessage(new OpenPositionRequest("VERYLONGSYM", 1m, 1m), "Symbol 'VERYLONGSYM' is 11 characters; the column holds at most 10.");
        AssertMessage(new OpenPositionRequest("AAPL", 1m, 1m) { Account = " " }, "Account is required: it must not be empty.");
        AssertMessage(
            new OpenPositionRequest("AAPL", 1m, 1m) { SignalId = 17 },
            "SignalTimestamp is required with SignalId 17: a signal is identified by (id, timestamp) in trading.signals.");
        AssertMessage(
            new OpenPositionRequest("AAPL", 1m, 1m) { SignalTimestamp = Instant.FromUtc(2026, 1, 5, 15, 0) },
            "SignalId is required with SignalTimestamp 2026-01-05T15:00:00Z: a signal is identified by (id, timestamp) in trading.signals.");
        AssertMessage(
            new OpenPositionRequest("AAPL", 1m, 1m) { Multiplier = 0 },
            "Multiplier 0 is not allowed: it must be positive (1 for stocks, usually 100 for options).");
        AssertMessage(
            new OpenPositionRequest("AAPL", 1.5m, 3m) { Option = Call },
            "Quantity 1.5 is not allowed for an option: contracts are traded in whole numbers.");
        AssertMessage(
            new OpenPositionRequest("AAPL", 1m, 3m) { Option = Call with { StrikePrice = 0m } },
            "Option.StrikePrice 0 is not allowed for AAPL260320C00150000: a strike is positive.");
        AssertMessage(
            new OpenPositionRequest("AAPL", 1m, 3m) { Option = Call with { OptionSymbol = "" } },
            "Option.OptionSymbol is required: it must not be empty.");
    }

    [Fact]
    public void Fills_take_a_positive_quantity()
    {
        var zero = Assert.Throws<ArgumentException>(() => PositionValidation.ValidateFill(new TradeFill(0m, 10m), "ReduceAsync"));
        Assert.StartsWith("Quantity 0 is not allowed: a trade must buy or sell something.", zero.Message);

        var negative = Assert.Throws<ArgumentException>(() => PositionValidation.ValidateFill(new TradeFill(-5m, 10m), "ReduceAsync"));
        Assert.StartsWith("Quantity -5 is not allowed for ReduceAsync: give the units to trade as a positive number;", negative.Message);

        var fees = Assert.Throws<ArgumentException>(() => PositionValidation.ValidateFill(new TradeFill(5m, 10m) { Fees = -0.01m }, "AddAsync"));
        Assert.Equal("Fees", fees.ParamName);
    }

    [Fact]
    public void A_trade_cannot_precede_the_opening()
    {
        var opened = Instant.FromUtc(2026, 3, 2, 14, 30);
        var position = new Position
        {
            Id = 9, Account = "default", Symbol = "AAPL", InstrumentType = InstrumentType.Stock, Multiplier = 1,
            Quantity = 1m, AverageCost = 1m, Status = PositionStatus.Open, RealizedPnl = 0m, OpenedAt = opened,
        };
        PositionValidation.EnsureNotBeforeOpening(position, opened, "executedAt");
        var ex = Assert.Throws<ArgumentException>(() => PositionValidation.EnsureNotBeforeOpening(position, opened - Duration.FromSeconds(1), "executedAt"));
        Assert.StartsWith(
            "executedAt 2026-03-02T14:29:59Z is before position 9 opened at 2026-03-02T14:30:00Z: a trade cannot precede the opening trade.",
            ex.Message);
    }

    private static void AssertMessage(OpenPositionRequest request, string message)
    {
        var ex = Assert.Throws<ArgumentException>(() => PositionValidation.ValidateOpen(request));
        Assert.StartsWith(message, ex.Message);
    }
}
