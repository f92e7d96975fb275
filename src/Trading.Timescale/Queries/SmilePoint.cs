namespace Trading.Timescale.Queries;

/// <summary>One strike of an implied-volatility smile: the call's and the put's implied volatility (numeric, so <see langword="decimal"/>).</summary>
/// <param name="StrikePrice">The strike.</param>
/// <param name="CallImpliedVolatility">The call's implied volatility, if quoted.</param>
/// <param name="PutImpliedVolatility">The put's implied volatility, if quoted.</param>
public sealed record SmilePoint(decimal StrikePrice, decimal? CallImpliedVolatility, decimal? PutImpliedVolatility);
