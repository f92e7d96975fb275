using Npgsql;
using Trading.Timescale.Queries.Internal;

namespace Trading.Timescale.Queries;

/// <summary>The signal performance by symbol over filtered signals: most signals first, then by symbol.</summary>
public sealed class SignalPerformanceQuery : TradingQuery<SignalPerformance>
{
    private readonly SignalFilter _filter;

    internal SignalPerformanceQuery(NpgsqlDataSource dataSource, SignalFilter filter)
        : base(dataSource)
    {
        _filter = filter;
    }

    private protected override string BuildSql(SqlParameters parameters) => $"""
        SELECT "symbol",
               count(*) AS "total_signals",
               avg("confidence") AS "avg_confidence",
               count(*) FILTER (WHERE "signal_type" = 'BUY') AS "buy_signals",
               count(*) FILTER (WHERE "signal_type" = 'SELL') AS "sell_signals",
               count(*) FILTER (WHERE "signal_type" = 'HOLD') AS "hold_signals"
        FROM trading.signals{_filter.Where(parameters)}
        GROUP BY "symbol"
        ORDER BY "total_signals" DESC, "symbol"
        """;

    private protected override SignalPerformance Read(NpgsqlDataReader reader) => new(
        reader.GetString(0), reader.GetInt64(1), reader.GetDecimal(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5));
}
