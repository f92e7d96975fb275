namespace Trading.Timescale;

/// <summary>What a trading signal recommends; stored as <c>'BUY'</c>, <c>'SELL'</c> or <c>'HOLD'</c> in <c>signal_type</c>.</summary>
public enum SignalType
{
    /// <summary>Buy (<c>'BUY'</c>).</summary>
    Buy = 0,

    /// <summary>Sell (<c>'SELL'</c>).</summary>
    Sell = 1,

    /// <summary>Hold (<c>'HOLD'</c>).</summary>
    Hold = 2,
}
