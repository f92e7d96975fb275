using System.Globalization;
using NodaTime;

namespace Trading.Timescale.Positions.Internal;

/// <summary>Argument checks, with messages that name the field, its value and the rule.</summary>
internal static class PositionValidation
{
    internal const int AccountLength = 50;
    internal const int SymbolLength = 10;
    internal const int OptionSymbolLength = 50;
    internal const int StockMultiplier = 1;
    internal const int OptionMultiplier = 100;

    /// <summary>The largest contract multiplier: with it, no product of price, quantity and multiplier overflows a decimal.</summary>
    internal const int MaxMultiplier = 1_000_000;

    /// <summary>numeric(12,4): prices and average cost.</summary>
    internal const decimal MaxPrice = 99_999_999.9999m;

    /// <summary>numeric(18,4): quantities, fees and P&amp;L are below 10^14.</summary>
    internal const decimal MaxPnl = 100_000_000_000_000m;

    internal static (InstrumentType Type, int Multiplier) ValidateOpen(OpenPositionRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        ValidateText(request.Account, "Account", AccountLength);
        ValidateText(request.Symbol, "Symbol", SymbolLength);
        if (request.Quantity == 0)
        {
            throw new ArgumentException(
                "Quantity 0 is not allowed: a trade must buy or sell something (positive opens a long, negative a short).",
                nameof(request.Quantity));
        }

        ValidateNotes(request.Notes, nameof(request.Notes));
        ValidateScale(request.Quantity, nameof(request.Quantity));
        EnsureQuantityFits(request.Quantity, positionId: null);
        ValidatePrice(request.Price, nameof(request.Price));
        ValidateFees(request.Fees, nameof(request.Fees));

        if (request.SignalId is { } signalId && request.SignalTimestamp is null)
        {
            throw new ArgumentException(
                $"SignalTimestamp is required with SignalId {signalId}: a signal is identified by (id, timestamp) in trading.signals.",
                nameof(request.SignalTimestamp));
        }

        if (request.SignalId is null && request.SignalTimestamp is { } signalTimestamp)
        {
            throw new ArgumentException(
                $"SignalId is required with SignalTimestamp {signalTimestamp}: a signal is identified by (id, timestamp) in trading.signals.",
                nameof(request.SignalId));
        }

        var type = InstrumentType.Stock;
        if (request.Option is { } leg)
        {
            type = InstrumentType.Option;
            ValidateText(leg.OptionSymbol, "Option.OptionSymbol", OptionSymbolLength);
            if (!Enum.IsDefined(leg.Right))
            {
                throw new ArgumentException($"Option.Right {(int)leg.Right} is not Call or Put.", nameof(request.Option));
            }

            if (leg.StrikePrice <= 0)
            {
                throw new ArgumentException(
                    $"Option.StrikePrice {TradePlanner.Format(leg.StrikePrice)} is not allowed for {leg.OptionSymbol}: a strike is positive.",
                    nameof(request.Option));
            }

            ValidatePrice(leg.StrikePrice, "Option.StrikePrice");
            EnsureWholeContracts(request.Quantity, nameof(request.Quantity));
        }

        var multiplier = request.Multiplier ?? (type == InstrumentType.Option ? OptionMultiplier : StockMultiplier);
        if (multiplier <= 0)
        {
            throw new ArgumentException(
                $"Multiplier {multiplier} is not allowed: it must be positive (1 for stocks, usually 100 for options).",
                nameof(request.Multiplier));
        }

        if (multiplier > MaxMultiplier)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"Multiplier {multiplier} is too large: use 1 to {MaxMultiplier} (1 for stocks, usually 100 for options)."),
                nameof(request.Multiplier));
        }

        return (type, multiplier);
    }

    internal static void ValidateFill(TradeFill fill, string operation)
    {
        ArgumentNullException.ThrowIfNull(fill);
        if (fill.Quantity == 0)
        {
            throw new ArgumentException("Quantity 0 is not allowed: a trade must buy or sell something.", nameof(fill.Quantity));
        }

        if (fill.Quantity < 0)
        {
            throw new ArgumentException(
                $"Quantity {TradePlanner.Format(fill.Quantity)} is not allowed for {operation}: give the units to trade as a positive number; " +
                "the side follows the position (a long buys to add and sells to reduce, a short the reverse).",
                nameof(fill.Quantity));
        }

        ValidateNotes(fill.Notes, nameof(fill.Notes));
        ValidateScale(fill.Quantity, nameof(fill.Quantity));
        EnsureQuantityFits(fill.Quantity, positionId: null);
        ValidatePrice(fill.Price, nameof(fill.Price));
        ValidateFees(fill.Fees, nameof(fill.Fees));
    }

    internal static void ValidatePrice(decimal price, string name)
    {
        if (price < 0)
        {
            throw new ArgumentException($"{name} {TradePlanner.Format(price)} is not allowed: prices are zero or more.", name);
        }

        if (price > MaxPrice)
        {
            throw new ArgumentException($"{name} {TradePlanner.Format(price)} is too large: numeric(12,4) holds at most {MaxPrice}.", name);
        }

        ValidateScale(price, name);
    }

    internal static void ValidateFees(decimal fees, string name)
    {
        if (fees < 0)
        {
            throw new ArgumentException(
                $"{name} {TradePlanner.Format(fees)} is not allowed: fees are zero or more and are subtracted from realized P&L.", name);
        }

        if (fees >= MaxPnl)
        {
            throw new ArgumentException($"{name} {TradePlanner.Format(fees)} is too large for numeric(18,4).", name);
        }

        ValidateScale(fees, name);
    }

    internal static void ValidateAccountFilter(string? account)
    {
        if (account is not null)
        {
            ValidateText(account, "account", AccountLength);
        }
    }

    internal static void EnsureWholeContracts(decimal quantity, string name)
    {
        if (decimal.Truncate(quantity) != quantity)
        {
            throw new ArgumentException(
                $"Quantity {TradePlanner.Format(quantity)} is not allowed for an option: contracts are traded in whole numbers.", name);
        }
    }

    internal static void EnsureQuantityFits(decimal quantity, long? positionId)
    {
        if (Math.Abs(quantity) >= MaxPnl)
        {
            var where = positionId is { } id ? $" for position {id}" : string.Empty;
            throw new ArgumentException(
                $"Quantity {TradePlanner.Format(quantity)}{where} is too large: trading.positions.quantity is numeric(18,4).", nameof(quantity));
        }
    }

    internal static void EnsureNotBeforeOpening(Position position, Instant executedAt, string name)
    {
        if (executedAt < position.OpenedAt)
        {
            throw new ArgumentException(
                $"{name} {executedAt} is before position {position.Id} opened at {position.OpenedAt}: a trade cannot precede the opening trade.",
                name);
        }
    }

    private static void ValidateScale(decimal value, string name)
    {
        if (PositionMath.Round(value) != value)
        {
            throw new ArgumentException(
                $"{name} {TradePlanner.Format(value)} has more than {PositionMath.Scale} decimal places, the scale of trading.positions; round it first.",
                name);
        }
    }

    /// <summary>Free text may be absent, but must be text PostgreSQL can store.</summary>
    internal static void ValidateNotes(string? value, string name)
    {
        if (value is not null)
        {
            EnsureStorable(value, name);
        }
    }

    /// <summary>Refuses what a PostgreSQL text column cannot hold, before it is sent: NUL and lone UTF-16 surrogates.</summary>
    internal static void EnsureStorable(string value, string name)
    {
        var nul = value.IndexOf('\0', StringComparison.Ordinal);
        if (nul >= 0)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"{name} contains a NUL character (U+0000) at index {nul}, which PostgreSQL text cannot store; remove it."),
                name);
        }

        for (var i = 0; i < value.Length; i++)
        {
            if (char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(value[i]))
            {
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture, $"{name} contains a lone UTF-16 surrogate (U+{(int)value[i]:X4}) at index {i}, which is not valid text; fix the string's encoding."),
                    name);
            }
        }
    }

    private static void ValidateText(string? value, string name, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new ArgumentException($"{name} is required: it must not be empty.", name);
        }

        EnsureStorable(value, name);

        if (value.Length > maxLength)
        {
            throw new ArgumentException($"{name} '{value}' is {value.Length} characters; the column holds at most {maxLength}.", name);
        }
    }
}
