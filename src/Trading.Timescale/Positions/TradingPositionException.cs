namespace Trading.Timescale.Positions;

/// <summary>A trade that the state of a position does not allow; the message names the position and what to do.</summary>
public sealed class TradingPositionException : TradingTimescaleException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="reason">Why the trade was refused.</param>
    /// <param name="positionId">The position concerned, when there is one.</param>
    /// <param name="message">What was wrong and what to do.</param>
    public TradingPositionException(PositionErrorReason reason, long? positionId, string message)
        : base(message, null)
    {
        Reason = reason;
        PositionId = positionId;
    }

    /// <summary>Why the trade was refused.</summary>
    public PositionErrorReason Reason { get; }

    /// <summary>The position concerned: the requested one, or for <see cref="PositionErrorReason.AlreadyOpen"/> the open one.</summary>
    public long? PositionId { get; }
}
