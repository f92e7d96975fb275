namespace Trading.Timescale;

/// <summary>A system event or log entry: a row of <c>trading.system_events</c>.</summary>
/// <remarks>The natural key is (<see cref="Source"/>, <see cref="EventType"/>, <see cref="TradingRecord.Timestamp"/>).</remarks>
public sealed record SystemEvent : TradingRecord
{
    /// <summary>What happened, for example <c>order_rejected</c> (<c>event_type</c>, at most 50 characters).</summary>
    public required string EventType { get; init; }

    /// <summary>How severe it is (<c>severity</c>).</summary>
    public required EventSeverity Severity { get; init; }

    /// <summary>The component that reported it (<c>source</c>, at most 100 characters).</summary>
    public required string Source { get; init; }

    /// <summary>A human-readable description (<c>message</c>).</summary>
    public required string Message { get; init; }

    /// <summary>Details as raw JSON text (<c>details</c>, <c>jsonb</c>).</summary>
    public string? Details { get; init; }
}
