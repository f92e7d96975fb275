namespace Trading.Timescale.Positions;

/// <summary>What a position holds: <c>trading.positions.instrument_type</c>.</summary>
public enum InstrumentType
{
    /// <summary>Shares of a stock (<c>STOCK</c>), multiplier 1 by default.</summary>
    Stock,

    /// <summary>One option leg (<c>OPTION</c>), multiplier 100 by default.</summary>
    Option,
}
