using System.Globalization;

namespace Trading.Timescale.Positions.Internal;

/// <summary>Turns a validated trade and the locked position into a <see cref="TradePlan"/>; refuses trades the position's state forbids.</summary>
internal static class TradePlanner
{
    internal static TradePlan Open(decimal signedQuantity, decimal price, decimal fees)
    {
        var side = signedQuantity > 0 ? TradeSide.Buy : TradeSide.Sell;
        return new TradePlan(
            PositionTradeKind.Open, side, Math.Abs(signedQuantity), price, fees,
            RealizedPnl: -fees,
            QuantityAfter: signedQuantity,
            AverageCostAfter: price,
            PositionRealizedPnlAfter: -fees);
    }

    internal static TradePlan Add(Position position, decimal quantity, decimal price, decimal fees) =>
        WithoutOverflow(position, () => PlanAdd(position, quantity, price, fees));

    internal static TradePlan Reduce(Position position, decimal quantity, decimal price, decimal fees) =>
        WithoutOverflow(position, () => PlanReduce(position, quantity, price, fees));

    private static TradePlan PlanAdd(Position position, decimal quantity, decimal price, decimal fees)
    {
        EnsureTradable(position, quantity);
        var quantityAfter = position.Quantity + (Math.Sign(position.Quantity) * quantity);
        PositionValidation.EnsureQuantityFits(quantityAfter, position.Id);
        var averageCost = PositionMath.AverageCostAfterAdd(position.Quantity, position.AverageCost, quantity, price);
        return new TradePlan(
            PositionTradeKind.Add, position.Quantity > 0 ? TradeSide.Buy : TradeSide.Sell, quantity, price, fees,
            RealizedPnl: -fees,
            QuantityAfter: quantityAfter,
            AverageCostAfter: averageCost,
            PositionRealizedPnlAfter: CheckedPnl(position.RealizedPnl - fees, "realized_pnl", position.Id));
    }

    private static TradePlan PlanReduce(Position position, decimal quantity, decimal price, decimal fees)
    {
        EnsureTradable(position, quantity);
        var held = Math.Abs(position.Quantity);
        if (quantity > held)
        {
            var direction = position.Quantity > 0 ? "long" : "short";
            var opposite = position.Quantity > 0 ? "short" : "long";
            throw new TradingPositionException(
                PositionErrorReason.WouldFlip,
                position.Id,
                $"Reduce quantity {Format(quantity)} exceeds the open quantity {Format(held)} of position {position.Id} " +
                $"({direction} {Describe(position)}): a reduce cannot go beyond zero. Close position {position.Id} " +
                $"and open a new {opposite} position for the remaining {Format(quantity - held)}.");
        }

        var quantityAfter = position.Quantity - (Math.Sign(position.Quantity) * quantity);
        var realized = PositionMath.GrossRealizedPnl(position.Quantity, position.AverageCost, quantity, price, position.Multiplier) - fees;
        return new TradePlan(
            quantityAfter == 0 ? PositionTradeKind.Close : PositionTradeKind.Reduce,
            position.Quantity > 0 ? TradeSide.Sell : TradeSide.Buy,
            quantity, price, fees,
            RealizedPnl: CheckedPnl(realized, "realized_pnl of the trade", position.Id),
            QuantityAfter: quantityAfter,
            AverageCostAfter: position.AverageCost,
            PositionRealizedPnlAfter: CheckedPnl(position.RealizedPnl + realized, "realized_pnl", position.Id));
    }

    internal static TradePlan Close(Position position, decimal price, decimal fees) =>
        Reduce(position, Math.Abs(position.Quantity), price, fees);

    private static void EnsureOpen(Position position)
    {
        if (position.Status == PositionStatus.Closed)
        {
            var closedAt = position.ClosedAt is { } at ? $" at {at}" : string.Empty;
            throw new TradingPositionException(
                PositionErrorReason.Closed,
                position.Id,
                $"Position {position.Id} ({Describe(position)}, account '{position.Account}') is CLOSED{closedAt}: it takes no more trades; open a new position instead.");
        }
    }

    internal static string Describe(Position position) =>
        position.Option is { } leg ? $"option {leg.OptionSymbol} on {position.Symbol}" : position.Symbol;

    internal static string Format(decimal value) => value.ToString("0.############", CultureInfo.InvariantCulture);

    private static void EnsureTradable(Position position, decimal quantity)
    {
        EnsureOpen(position);
        if (position.InstrumentType == InstrumentType.Option)
        {
            PositionValidation.EnsureWholeContracts(quantity, nameof(quantity));
        }
    }

    /// <summary>Bounds keep the arithmetic within decimal, but a row written outside this library may not be bounded.</summary>
    private static TradePlan WithoutOverflow(Position position, Func<TradePlan> plan)
    {
        try
        {
            return plan();
        }
        catch (OverflowException ex)
        {
            throw new ArgumentException(
                $"The trade would take the P&L of position {position.Id} (quantity {Format(position.Quantity)}, multiplier {position.Multiplier}) beyond the numeric(18,4) range of trading.positions; check price and quantity.",
                ex);
        }
    }

    private static decimal CheckedPnl(decimal value, string what, long positionId)
    {
        if (Math.Abs(value) >= PositionValidation.MaxPnl)
        {
            throw new ArgumentException(
                $"The trade would make the {what} of position {positionId} {Format(value)}, beyond the numeric(18,4) range of trading.positions; check price and quantity.");
        }

        return value;
    }
}
