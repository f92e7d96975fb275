using NodaTime;

namespace Trading.Timescale.Queries;

/// <summary>
/// At-the-money implied volatility of one expiration: at the strike nearest the underlying's price (the lower
/// strike on a tie), the mean of the call's and the put's implied volatility (whichever are quoted).
/// </summary>
/// <param name="ExpirationDate">The expiration date.</param>
/// <param name="UnderlyingPrice">The underlying's newest close at or before the as-of instant.</param>
/// <param name="AtmStrike">The strike nearest <paramref name="UnderlyingPrice"/>.</param>
/// <param name="CallImpliedVolatility">The call's implied volatility at that strike.</param>
/// <param name="PutImpliedVolatility">The put's implied volatility at that strike.</param>
/// <param name="ImpliedVolatility">The mean of the two that are quoted; <see langword="null"/> when neither is.</param>
public sealed record TermStructurePoint(
    LocalDate ExpirationDate,
    decimal UnderlyingPrice,
    decimal AtmStrike,
    decimal? CallImpliedVolatility,
    decimal? PutImpliedVolatility,
    decimal? ImpliedVolatility);
