using NodaTime;
using Npgsql;
using Trading.Timescale.Queries.Internal;
using Trading.Timescale.Internal;

namespace Trading.Timescale.Queries;

/// <summary>The implied-volatility smile of one expiration as of an instant: one point per strike, by strike.</summary>
public sealed class VolatilitySmileQuery : OptionsQuery<VolatilitySmileQuery, SmilePoint>
{
    internal VolatilitySmileQuery(NpgsqlDataSource dataSource, string underlyingSymbol, LocalDate expiration)
        : base(dataSource, underlyingSymbol)
    {
        Expiration = expiration;
    }

    /// <summary>The expiration date.</summary>
    public LocalDate Expiration { get; }

    private protected override IEnumerable<string> ExtraConditions(SqlParameters parameters) =>
        [$"\"expiration_date\" = {parameters.Date(Expiration)}"];

    private protected override string BuildSql(SqlParameters parameters)
    {
        var chain = ChainCte(parameters, out _);
        return $"""
            {chain}
            SELECT "strike_price",
                   max("implied_volatility") FILTER (WHERE "option_type" = 'CALL') AS "call_iv",
                   max("implied_volatility") FILTER (WHERE "option_type" = 'PUT') AS "put_iv"
            FROM chain
            GROUP BY "strike_price"
            ORDER BY "strike_price"
            """;
    }

    private protected override SmilePoint Read(NpgsqlDataReader reader) => new(reader.GetDecimal(0), reader.Decimal(1), reader.Decimal(2));
}
