namespace QuickStart;

/// <summary>The price and Greeks of a European option under Black–Scholes.</summary>
/// <param name="Price">The option's fair value.</param>
/// <param name="Delta">Change in price per $1 of the underlying.</param>
/// <param name="Gamma">Change in delta per $1 of the underlying.</param>
/// <param name="Theta">Change in price per calendar day.</param>
/// <param name="Vega">Change in price per 1 point (0.01) of volatility.</param>
/// <param name="Rho">Change in price per 1 point (0.01) of the interest rate.</param>
internal sealed record OptionValuation(double Price, double Delta, double Gamma, double Theta, double Vega, double Rho);

/// <summary>Black–Scholes pricing of European options on a non-dividend-paying underlying.</summary>
internal static class BlackScholes
{
    /// <summary>Values a call (<paramref name="isCall"/>) or put.</summary>
    /// <param name="spot">Underlying price.</param>
    /// <param name="strike">Strike price.</param>
    /// <param name="years">Time to expiration in years (&gt; 0).</param>
    /// <param name="rate">Continuously compounded risk-free rate.</param>
    /// <param name="volatility">Annualised volatility.</param>
    /// <param name="isCall">Call when true, put otherwise.</param>
    public static OptionValuation Value(double spot, double strike, double years, double rate, double volatility, bool isCall)
    {
        var sqrtT = Math.Sqrt(years);
        var d1 = (Math.Log(spot / strike) + (rate + volatility * volatility / 2) * years) / (volatility * sqrtT);
        var d2 = d1 - volatility * sqrtT;
        var discount = Math.Exp(-rate * years);
        var density = NormalDensity(d1);

        var gamma = density / (spot * volatility * sqrtT);
        var vega = spot * density * sqrtT / 100;
        var decay = -spot * density * volatility / (2 * sqrtT);
        if (isCall)
        {
            return new OptionValuation(
                Price: spot * NormalCdf(d1) - strike * discount * NormalCdf(d2),
                Delta: NormalCdf(d1),
                Gamma: gamma,
                Theta: (decay - rate * strike * discount * NormalCdf(d2)) / 365,
                Vega: vega,
                Rho: strike * years * discount * NormalCdf(d2) / 100);
        }

        return new OptionValuation(
            Price: strike * discount * NormalCdf(-d2) - spot * NormalCdf(-d1),
            Delta: NormalCdf(d1) - 1,
            Gamma: gamma,
            Theta: (decay + rate * strike * discount * NormalCdf(-d2)) / 365,
            Vega: vega,
            Rho: -strike * years * discount * NormalCdf(-d2) / 100);
    }

    /// <summary>The standard normal density.</summary>
    public static double NormalDensity(double x) => Math.Exp(-x * x / 2) / Math.Sqrt(2 * Math.PI);

    /// <summary>The standard normal cumulative distribution (relative error below 1.2e-7).</summary>
    public static double NormalCdf(double x) => 0.5 * Erfc(-x / Math.Sqrt(2));

    // The complementary error function by the Chebyshev fit of Numerical Recipes (erfcc).
    private static double Erfc(double x)
    {
        var z = Math.Abs(x);
        var t = 1 / (1 + 0.5 * z);
        var r = t * Math.Exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806
            + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? r : 2 - r;
    }
}
