namespace Trading.Timescale.Positions.Internal;

/// <summary>The P&amp;L arithmetic of a trade (unrealized P&amp;L is SQL's: <c>trading.position_unrealized_pnl</c>). Results are rounded half away from zero to the 4 decimal places of the table columns,
/// as PostgreSQL rounds numeric on assignment, so what is computed here is exactly what is stored.</summary>
internal static class PositionMath
{
    internal const int Scale = 4;

    internal static decimal Round(decimal value) => decimal.Round(value, Scale, MidpointRounding.AwayFromZero);

    /// <summary>The weighted average cost after adding <paramref name="addQuantity"/> (positive) at <paramref name="price"/>
    /// to a position of signed <paramref name="quantity"/> at <paramref name="averageCost"/>.</summary>
    internal static decimal AverageCostAfterAdd(decimal quantity, decimal averageCost, decimal addQuantity, decimal price)
    {
        var held = Math.Abs(quantity);
        return Round(((held * averageCost) + (addQuantity * price)) / (held + addQuantity));
    }

    /// <summary>The P&amp;L, before fees, of taking <paramref name="reduceQuantity"/> (positive) off a position of signed
    /// <paramref name="quantity"/>: <c>(price - average_cost) * reduce * multiplier</c> for a long, the mirror for a short.</summary>
    internal static decimal GrossRealizedPnl(decimal quantity, decimal averageCost, decimal reduceQuantity, decimal price, int multiplier) =>
        Round((price - averageCost) * reduceQuantity * multiplier * Math.Sign(quantity));
}
