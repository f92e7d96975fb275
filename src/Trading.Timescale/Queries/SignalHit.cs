namespace Trading.Timescale.Queries;

/// <summary>Which of a signal's levels the price reached first within the horizon.</summary>
public enum SignalHit
{
    /// <summary>Neither level was reached (or the signal has none, or is a HOLD).</summary>
    None = 0,

    /// <summary>The target price was reached first.</summary>
    Target = 1,

    /// <summary>The stop loss was reached first, or both were reached within the same bar (see <see cref="SignalOutcome.SameBar"/>).</summary>
    Stop = 2,
}
