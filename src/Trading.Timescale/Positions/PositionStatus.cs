namespace Trading.Timescale.Positions;

/// <summary>The state of a position: <c>trading.positions.status</c>.</summary>
public enum PositionStatus
{
    /// <summary>The position holds a non-zero quantity (<c>OPEN</c>).</summary>
    Open,

    /// <summary>The position was reduced to zero (<c>CLOSED</c>); it takes no more trades.</summary>
    Closed,
}
