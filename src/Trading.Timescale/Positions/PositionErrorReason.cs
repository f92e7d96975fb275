namespace Trading.Timescale.Positions;

/// <summary>Why a <see cref="TradingPositionException"/> refused a trade.</summary>
public enum PositionErrorReason
{
    /// <summary>No position has the given id.</summary>
    NotFound,

    /// <summary>The position is closed and takes no more trades.</summary>
    Closed,

    /// <summary>The account already has an open position in the instrument.</summary>
    AlreadyOpen,

    /// <summary>The reduce is larger than the open quantity: it would flip the position through zero.</summary>
    WouldFlip,
}
