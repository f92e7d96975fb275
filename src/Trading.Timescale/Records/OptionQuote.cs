using NodaTime;

namespace Trading.Timescale;

/// <summary>One quote of an option contract with its Greeks: a row of <c>trading.options_data</c>.</summary>
/// <remarks>
/// <para>The natural key is (<see cref="OptionSymbol"/>, <see cref="TradingRecord.Timestamp"/>).</para>
/// <para>
/// Units of the <c>DECIMAL(8,6)</c> columns (each below 100 in magnitude, at most 6 decimal places):
/// <see cref="ImpliedVolatility"/> is a fraction per year (0.25 = 25%);
/// <see cref="Delta"/> is the option price change per $1 move of the underlying (0..1 for calls, -1..0 for puts);
/// <see cref="Gamma"/> is the delta change per $1 move of the underlying;
/// <see cref="Theta"/> is the option price change per calendar day, in $ (usually negative);
/// <see cref="Vega"/> is the option price change per 1 volatility point (0.01 of implied volatility), in $;
/// <see cref="Rho"/> is the option price change per 1 interest-rate point (0.01), in $.
/// Prices are per share (not per contract).
/// </para>
/// </remarks>
public sealed record OptionQuote : TradingRecord
{
    /// <summary>The underlying's ticker (<c>underlying_symbol</c>, at most 10 characters).</summary>
    public required string UnderlyingSymbol { get; init; }

    /// <summary>The contract's symbol, for example an OCC symbol (<c>option_symbol</c>, at most 50 characters).</summary>
    public required string OptionSymbol { get; init; }

    /// <summary>The expiration date (<c>expiration_date</c>).</summary>
    public required LocalDate ExpirationDate { get; init; }

    /// <summary>The strike price (<c>strike_price</c>).</summary>
    public required decimal StrikePrice { get; init; }

    /// <summary>Call or put (<c>option_type</c>).</summary>
    public required OptionType OptionType { get; init; }

    /// <summary>The best bid (<c>bid_price</c>); 0 means no bid.</summary>
    public decimal? BidPrice { get; init; }

    /// <summary>The best ask (<c>ask_price</c>).</summary>
    public decimal? AskPrice { get; init; }

    /// <summary>The last trade price (<c>last_price</c>).</summary>
    public decimal? LastPrice { get; init; }

    /// <summary>Contracts traded (<c>volume</c>).</summary>
    public long? Volume { get; init; }

    /// <summary>Open contracts (<c>open_interest</c>).</summary>
    public long? OpenInterest { get; init; }

    /// <summary>Implied volatility as a fraction per year, 0.25 = 25% (<c>implied_volatility</c>).</summary>
    public decimal? ImpliedVolatility { get; init; }

    /// <summary>Price change per $1 move of the underlying (<c>delta</c>).</summary>
    public decimal? Delta { get; init; }

    /// <summary>Delta change per $1 move of the underlying (<c>gamma</c>).</summary>
    public decimal? Gamma { get; init; }

    /// <summary>Price change per calendar day, in $ (<c>theta</c>).</summary>
    public decimal? Theta { get; init; }

    /// <summary>Price change per volatility point (0.01), in $ (<c>vega</c>).</summary>
    public decimal? Vega { get; init; }

    /// <summary>Price change per interest-rate point (0.01), in $ (<c>rho</c>).</summary>
    public decimal? Rho { get; init; }

    /// <summary>The in-the-money amount per share (<c>intrinsic_value</c>).</summary>
    public decimal? IntrinsicValue { get; init; }

    /// <summary>The price above intrinsic value per share (<c>time_value</c>).</summary>
    public decimal? TimeValue { get; init; }
}
