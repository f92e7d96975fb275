using NodaTime;

namespace Trading.Timescale;

/// <summary>
/// A row of one of the trading hypertables. The columns every such table shares live here; each derived record
/// mirrors one table (<see cref="StockPrice"/>, <see cref="OptionQuote"/>, <see cref="TradingSignal"/>,
/// <see cref="PerformanceMetric"/>, <see cref="DataQualityCheck"/>, <see cref="SystemEvent"/>).
/// </summary>
/// <remarks>
/// <see cref="Id"/>, <see cref="CreatedAt"/> and <see cref="UpdatedAt"/> are assigned by the server: they are filled
/// on reads and ignored on writes.
/// </remarks>
public abstract record TradingRecord
{
    private protected TradingRecord()
    {
    }

    /// <summary>The time the row describes (<c>timestamp</c>, <c>timestamptz</c>).</summary>
    public required Instant Timestamp { get; init; }

    /// <summary>The server-generated <c>id</c>; <see langword="null"/> before the row is written and in the latest-snapshot tables.</summary>
    public long? Id { get; init; }

    /// <summary>When the row was first written (<c>created_at</c>); set by the server.</summary>
    public Instant? CreatedAt { get; init; }

    /// <summary>When the row last changed (<c>updated_at</c>); set by the server.</summary>
    public Instant? UpdatedAt { get; init; }
}
