using NodaTime;

namespace Trading.Timescale.Positions;

/// <summary>One row of <c>trading.position_trades</c>: a trade in the ledger of a position.</summary>
public sealed record PositionTrade
{
    /// <summary><c>id</c>: ledger order.</summary>
    public required long Id { get; init; }

    /// <summary><c>position_id</c>.</summary>
    public required long PositionId { get; init; }

    /// <summary><c>trade_type</c>: what the trade did to the position.</summary>
    public required PositionTradeKind Kind { get; init; }

    /// <summary><c>side</c>.</summary>
    public required TradeSide Side { get; init; }

    /// <summary><c>quantity</c>: the units traded, always positive; <see cref="Side"/> gives the direction.</summary>
    public required decimal Quantity { get; init; }

    /// <summary><c>price</c>: per unit.</summary>
    public required decimal Price { get; init; }

    /// <summary><c>fees</c>: commissions and fees of the trade, already subtracted from <see cref="RealizedPnl"/>.</summary>
    public required decimal Fees { get; init; }

    /// <summary><c>realized_pnl</c>: the P&amp;L this trade realized, net of <see cref="Fees"/> (just <c>-fees</c> for an open or add).</summary>
    public required decimal RealizedPnl { get; init; }

    /// <summary><c>position_quantity_after</c>: the position's signed quantity after the trade.</summary>
    public required decimal PositionQuantityAfter { get; init; }

    /// <summary><c>average_cost_after</c>: the position's average cost after the trade.</summary>
    public required decimal AverageCostAfter { get; init; }

    /// <summary><c>executed_at</c>: when the trade executed.</summary>
    public required Instant ExecutedAt { get; init; }

    /// <summary><c>notes</c>.</summary>
    public string? Notes { get; init; }

    /// <summary><c>created_at</c>: when the trade was recorded.</summary>
    public required Instant CreatedAt { get; init; }
}
