using NodaTime;

namespace Trading.Timescale;

/// <summary>A model's recommendation for a symbol: a row of <c>trading.signals</c>.</summary>
/// <remarks>The natural key is (<see cref="Symbol"/>, <see cref="ModelVersion"/>, <see cref="TradingRecord.Timestamp"/>), nulls equal.</remarks>
public sealed record TradingSignal : TradingRecord
{
    /// <summary>The ticker (<c>symbol</c>, at most 10 characters).</summary>
    public required string Symbol { get; init; }

    /// <summary>Buy, sell or hold (<c>signal_type</c>).</summary>
    public required SignalType SignalType { get; init; }

    /// <summary>The model's confidence, from 0 to 1 with at most 4 decimal places (<c>confidence</c>, <c>DECIMAL(5,4)</c>).</summary>
    public required decimal Confidence { get; init; }

    /// <summary>The price target (<c>target_price</c>).</summary>
    public decimal? TargetPrice { get; init; }

    /// <summary>The stop-loss price (<c>stop_loss</c>).</summary>
    public decimal? StopLoss { get; init; }

    /// <summary>The model's explanation (<c>reasoning</c>).</summary>
    public string? Reasoning { get; init; }

    /// <summary>The model that produced the signal (<c>model_version</c>, at most 50 characters).</summary>
    public string? ModelVersion { get; init; }

    /// <summary>The model's input features as raw JSON text (<c>features</c>, <c>jsonb</c>).</summary>
    public string? Features { get; init; }

    /// <summary>When the signal stops applying (<c>expires_at</c>); after <see cref="TradingRecord.Timestamp"/>.</summary>
    public Instant? ExpiresAt { get; init; }
}
