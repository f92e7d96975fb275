using NodaTime;

namespace Trading.Timescale.Positions;

/// <summary>A fill that adds to or reduces an open position.</summary>
/// <param name="Quantity">The units traded, as a positive number; the side follows from the position and the call.</param>
/// <param name="Price">The fill price per unit.</param>
public sealed record TradeFill(decimal Quantity, decimal Price)
{
    /// <summary>Commissions and fees of the trade (zero or more); they are charged to realized P&amp;L.</summary>
    public decimal Fees { get; init; }

    /// <summary>When the trade executed; null means now, by the book's clock.</summary>
    public Instant? ExecutedAt { get; init; }

    /// <summary>Free text stored on the ledger row.</summary>
    public string? Notes { get; init; }
}
