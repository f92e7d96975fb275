using Npgsql;
using Trading.Timescale.Queries.Internal;
using Trading.Timescale.Internal;

namespace Trading.Timescale.Queries;

/// <summary>Put/call ratios by volume and by open interest over the chain as of an instant: always one row.</summary>
public sealed class PutCallRatioQuery : OptionsQuery<PutCallRatioQuery, PutCallRatio>
{
    internal PutCallRatioQuery(NpgsqlDataSource dataSource, string underlyingSymbol)
        : base(dataSource, underlyingSymbol)
    {
    }

    private protected override string BuildSql(SqlParameters parameters)
    {
        var chain = ChainCte(parameters, out _);
        return $"""
            {chain}
            SELECT {parameters.Text(UnderlyingSymbol)}::text, count(*),
                   COALESCE(sum("volume") FILTER (WHERE "option_type" = 'PUT'), 0)::BIGINT AS "put_volume",
                   COALESCE(sum("volume") FILTER (WHERE "option_type" = 'CALL'), 0)::BIGINT AS "call_volume",
                   sum("volume") FILTER (WHERE "option_type" = 'PUT')::NUMERIC
                       / NULLIF(sum("volume") FILTER (WHERE "option_type" = 'CALL'), 0) AS "volume_ratio",
                   COALESCE(sum("open_interest") FILTER (WHERE "option_type" = 'PUT'), 0)::BIGINT AS "put_open_interest",
                   COALESCE(sum("open_interest") FILTER (WHERE "option_type" = 'CALL'), 0)::BIGINT AS "call_open_interest",
                   sum("open_interest") FILTER (WHERE "option_type" = 'PUT')::NUMERIC
                       / NULLIF(sum("open_interest") FILTER (WHERE "option_type" = 'CALL'), 0) AS "open_interest_ratio"
            FROM chain
            """;
    }

    private protected override PutCallRatio Read(NpgsqlDataReader reader) => new(
        reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.Decimal(4), reader.GetInt64(5), reader.GetInt64(6), reader.Decimal(7));
}
