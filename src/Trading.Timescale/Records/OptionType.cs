namespace Trading.Timescale;

/// <summary>The right an option contract gives; stored as <c>'CALL'</c> or <c>'PUT'</c> in <c>option_type</c>.</summary>
public enum OptionType
{
    /// <summary>A call: the right to buy the underlying at the strike (<c>'CALL'</c>).</summary>
    Call = 0,

    /// <summary>A put: the right to sell the underlying at the strike (<c>'PUT'</c>).</summary>
    Put = 1,
}
