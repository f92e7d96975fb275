using NodaTime;

namespace Trading.Timescale.Positions;

/// <summary>The contract of an option position: the option columns of <c>trading.positions</c>.</summary>
/// <param name="OptionSymbol">The option's symbol, such as <c>AAPL261218C00150000</c>; it identifies the instrument and its quotes in <c>trading.latest_option_quotes</c>.</param>
/// <param name="Right">Call or put.</param>
/// <param name="StrikePrice">The strike price.</param>
/// <param name="ExpirationDate">The expiration date.</param>
public sealed record OptionLeg(string OptionSymbol, OptionType Right, decimal StrikePrice, LocalDate ExpirationDate);
