using NodaTime;
using Npgsql;
using Trading.Timescale.Queries.Internal;
using Trading.Timescale.Internal;

namespace Trading.Timescale.Queries;

/// <summary>
/// The implied-volatility term structure as of an instant: the at-the-money implied volatility of each expiration,
/// by expiration. The underlying's price is its newest <c>close_price</c> in <c>trading.stock_prices</c> at or before
/// the as-of instant; without one there are no rows.
/// </summary>
public sealed class VolatilityTermStructureQuery : OptionsQuery<VolatilityTermStructureQuery, TermStructurePoint>
{
    internal VolatilityTermStructureQuery(NpgsqlDataSource dataSource, string underlyingSymbol)
        : base(dataSource, underlyingSymbol)
    {
    }

    private protected override string BuildSql(SqlParameters parameters)
    {
        var chain = ChainCte(parameters, out var asOf);
        var spot = SpotSql(parameters, asOf).Replace("\n", "\n    ", StringComparison.Ordinal);
        return $"""
            {chain},
            spot AS (
                SELECT {spot} AS "price"
            ),
            atm AS (
                SELECT DISTINCT ON (c."expiration_date") c."expiration_date", c."strike_price"
                FROM chain c CROSS JOIN spot s
                WHERE s."price" IS NOT NULL
                ORDER BY c."expiration_date", abs(c."strike_price" - s."price"), c."strike_price"
            )
            SELECT a."expiration_date", s."price", a."strike_price",
                   max(c."implied_volatility") FILTER (WHERE c."option_type" = 'CALL') AS "call_iv",
                   max(c."implied_volatility") FILTER (WHERE c."option_type" = 'PUT') AS "put_iv",
                   avg(c."implied_volatility") AS "atm_iv"
            FROM atm a
            CROSS JOIN spot s
            JOIN chain c ON c."expiration_date" = a."expiration_date" AND c."strike_price" = a."strike_price"
            GROUP BY a."expiration_date", s."price", a."strike_price"
            ORDER BY a."expiration_date"
            """;
    }

    private protected override TermStructurePoint Read(NpgsqlDataReader reader) => new(
        reader.GetFieldValue<LocalDate>(0), reader.GetDecimal(1), reader.GetDecimal(2), reader.Decimal(3), reader.Decimal(4), reader.Decimal(5));
}
