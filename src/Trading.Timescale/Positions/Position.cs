using NodaTime;

namespace Trading.Timescale.Positions;

/// <summary>One row of <c>trading.positions</c>: a stock or option position of one account.</summary>
public sealed record Position
{
    /// <summary><c>id</c>.</summary>
    public required long Id { get; init; }

    /// <summary><c>account</c>.</summary>
    public required string Account { get; init; }

    /// <summary><c>symbol</c>: the stock, or the underlying of an option leg.</summary>
    public required string Symbol { get; init; }

    /// <summary><c>instrument_type</c>.</summary>
    public required InstrumentType InstrumentType { get; init; }

    /// <summary>The option contract (<c>option_symbol</c>, <c>option_type</c>, <c>strike_price</c>, <c>expiration_date</c>); null for a stock.</summary>
    public OptionLeg? Option { get; init; }

    /// <summary><c>multiplier</c>: units of the underlying per unit of quantity (1 for stocks, usually 100 for options).</summary>
    public required int Multiplier { get; init; }

    /// <summary><c>quantity</c>: signed, positive is long and negative is short; zero once closed.</summary>
    public required decimal Quantity { get; init; }

    /// <summary><c>average_cost</c>: the quantity-weighted average price of the opening and adding trades, per unit (fees excluded).</summary>
    public required decimal AverageCost { get; init; }

    /// <summary><c>status</c>.</summary>
    public required PositionStatus Status { get; init; }

    /// <summary><c>realized_pnl</c>: the P&amp;L of every reduce so far, less every fee paid on the position.</summary>
    public required decimal RealizedPnl { get; init; }

    /// <summary><c>unrealized_pnl</c>: <c>(mark_price - average_cost) * quantity * multiplier</c>; null until the position is marked.</summary>
    public decimal? UnrealizedPnl { get; init; }

    /// <summary><c>mark_price</c>: the last mark; null until the position is marked.</summary>
    public decimal? MarkPrice { get; init; }

    /// <summary><c>marked_at</c>: the timestamp of the price the mark came from.</summary>
    public Instant? MarkedAt { get; init; }

    /// <summary><c>signal_id</c>: the signal that opened the position, if any (a soft link).</summary>
    public long? SignalId { get; init; }

    /// <summary><c>signal_timestamp</c>: with <see cref="SignalId"/>, the key of the signal in <c>trading.signals</c>.</summary>
    public Instant? SignalTimestamp { get; init; }

    /// <summary><c>opened_at</c>: when the opening trade executed.</summary>
    public required Instant OpenedAt { get; init; }

    /// <summary><c>closed_at</c>: when the closing trade executed; null while open.</summary>
    public Instant? ClosedAt { get; init; }

    /// <summary><c>notes</c>.</summary>
    public string? Notes { get; init; }

    /// <summary><c>created_at</c>.</summary>
    public Instant? CreatedAt { get; init; }

    /// <summary><c>updated_at</c>.</summary>
    public Instant? UpdatedAt { get; init; }
}
