using NodaTime;
using Npgsql;
using Trading.Timescale.Queries.Internal;
using Trading.Timescale.Internal;
using Trading.Timescale.Records.Internal;

namespace Trading.Timescale.Queries;

/// <summary>Signal outcomes over a horizon (rules on <see cref="SignalOutcome"/>), in the signal query's order.</summary>
public sealed class SignalOutcomeQuery : TradingQuery<SignalOutcome>
{
    private readonly SignalQuery _signals;

    internal SignalOutcomeQuery(NpgsqlDataSource dataSource, SignalQuery signals, Duration horizon)
        : base(dataSource)
    {
        _signals = signals;
        Horizon = horizon;
    }

    /// <summary>How long after each signal it is judged.</summary>
    public Duration Horizon { get; }

    private protected override string BuildSql(SqlParameters parameters)
    {
        var signals = _signals.SelectSql(parameters).Replace("\n", "\n    ", StringComparison.Ordinal);
        var horizon = parameters.Interval(TimescaleInterval.FromTimeSpan(Horizon.ToTimeSpan()));
        var columns = string.Join(", ", TableMaps.Signals.ColumnNames.Select(c => $"s.\"{c}\"")) + ", s.\"id\", s.\"created_at\", s.\"updated_at\"";
        var direction = Sql.Direction(_signals.Order);
        var exit = SignalOutcomeRules.ExitSql("s.\"symbol\"", "s.\"timestamp\"", horizon).Replace("\n", "\n                ", StringComparison.Ordinal);
        var levels = SignalOutcomeRules.LevelsSql(
            "s.\"symbol\"",
            "s.\"timestamp\"",
            horizon,
            """(s."signal_type" = 'BUY' AND p."high_price" >= s."target_price") OR (s."signal_type" = 'SELL' AND p."low_price" <= s."target_price")""",
            """(s."signal_type" = 'BUY' AND p."low_price" <= s."stop_loss") OR (s."signal_type" = 'SELL' AND p."high_price" >= s."stop_loss")""")
            .Replace("\n", "\n                ", StringComparison.Ordinal);
        return $"""
            WITH s AS (
                {signals}
            )
            SELECT {columns},
                   e."timestamp", e."close_price", x."timestamp", x."close_price", h."target_at", h."stop_at"
            FROM s
            LEFT JOIN LATERAL (
                SELECT p."timestamp", p."close_price" FROM trading.stock_prices p
                WHERE p."symbol" = s."symbol" AND p."timestamp" <= s."timestamp" AND p."close_price" IS NOT NULL
                ORDER BY p."timestamp" DESC LIMIT 1
            ) e ON true
            LEFT JOIN LATERAL (
                {exit}
            ) x ON true
            LEFT JOIN LATERAL (
                {levels}
            ) h ON true
            ORDER BY s."timestamp" {direction}, s."symbol" {direction}, s."id" {direction}
            """;
    }

    private protected override SignalOutcome Read(NpgsqlDataReader reader)
    {
        var signal = TableMaps.Signals.Read(reader);
        var at = TableMaps.Signals.ColumnNames.Count + 3;
        var entryAt = reader.Instant(at);
        var entry = reader.Decimal(at + 1);
        var exitAt = reader.Instant(at + 2);
        var exit = reader.Decimal(at + 3);
        var targetAt = reader.Instant(at + 4);
        var stopAt = reader.Instant(at + 5);
        double? forward = entry is { } e && exit is { } x && e != 0 ? (double)(x / e - 1) : null;
        double? directional = signal.SignalType switch
        {
            SignalType.Buy => forward,
            SignalType.Sell => -forward,
            _ => null,
        };
        var (hit, hitAt, sameBar) = SignalOutcomeRules.FirstHit(targetAt, stopAt);
        return new SignalOutcome(signal, entryAt, entry, exitAt, exit, forward, directional, hit, hitAt, sameBar);
    }
}
