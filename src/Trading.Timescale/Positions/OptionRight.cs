namespace Trading.Timescale.Positions;

/// <summary>The right an option leg carries: <c>trading.positions.option_type</c>.</summary>
public enum OptionRight
{
    /// <summary>A call (<c>CALL</c>).</summary>
    Call,

    /// <summary>A put (<c>PUT</c>).</summary>
    Put,
}
