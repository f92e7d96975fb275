using NodaTime;

namespace Trading.Timescale.Positions;

/// <summary>The trade that opens a position in a stock or an option leg.</summary>
/// <param name="Symbol">The stock, or the underlying of the option leg.</param>
/// <param name="Quantity">Signed: positive buys (long), negative sells short. Whole contracts for an option.</param>
/// <param name="Price">The fill price per unit (per share, or per option as quoted).</param>
public sealed record OpenPositionRequest(string Symbol, decimal Quantity, decimal Price)
{
    /// <summary>The account; <c>default</c> unless set.</summary>
    public string Account { get; init; } = "default";

    /// <summary>The option contract for an option position; null for a stock.</summary>
    public OptionLeg? Option { get; init; }

    /// <summary>Units of the underlying per unit of quantity; null means 1 for a stock and 100 for an option.</summary>
    public int? Multiplier { get; init; }

    /// <summary>Commissions and fees of the opening trade (zero or more); they are charged to realized P&amp;L.</summary>
    public decimal Fees { get; init; }

    /// <summary>When the trade executed; null means now, by the book's clock.</summary>
    public Instant? ExecutedAt { get; init; }

    /// <summary>The <c>id</c> of the signal that led to the trade; set together with <see cref="SignalTimestamp"/>.</summary>
    public long? SignalId { get; init; }

    /// <summary>The <c>timestamp</c> of the signal that led to the trade; set together with <see cref="SignalId"/>.</summary>
    public Instant? SignalTimestamp { get; init; }

    /// <summary>Free text stored on the position.</summary>
    public string? Notes { get; init; }
}
