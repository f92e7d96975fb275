namespace Trading.Timescale.Positions.Internal;

/// <summary>The text codes the tables store for the enums.</summary>
internal static class PositionCodes
{
    internal static string ToCode(InstrumentType value) => value switch
    {
        InstrumentType.Stock => "STOCK",
        InstrumentType.Option => "OPTION",
        _ => throw new ArgumentOutOfRangeException(nameof(value), value, "Unknown instrument type."),
    };

    internal static string ToCode(OptionType value) => value switch
    {
        OptionType.Call => "CALL",
        OptionType.Put => "PUT",
        _ => throw new ArgumentOutOfRangeException(nameof(value), value, "Unknown option right."),
    };

    internal static string ToCode(PositionStatus value) => value switch
    {
        PositionStatus.Open => "OPEN",
        PositionStatus.Closed => "CLOSED",
        _ => throw new ArgumentOutOfRangeException(nameof(value), value, "Unknown position status."),
    };

    internal static string ToCode(TradeSide value) => value switch
    {
        TradeSide.Buy => "BUY",
        TradeSide.Sell => "SELL",
        _ => throw new ArgumentOutOfRangeException(nameof(value), value, "Unknown trade side."),
    };

    internal static string ToCode(PositionTradeKind value) => value switch
    {
        PositionTradeKind.Open => "OPEN",
        PositionTradeKind.Add => "ADD",
        PositionTradeKind.Reduce => "REDUCE",
        PositionTradeKind.Close => "CLOSE",
        _ => throw new ArgumentOutOfRangeException(nameof(value), value, "Unknown trade kind."),
    };

    internal static InstrumentType ParseInstrumentType(string code) => code switch
    {
        "STOCK" => InstrumentType.Stock,
        "OPTION" => InstrumentType.Option,
        _ => throw Unknown("trading.positions.instrument_type", code),
    };

    internal static OptionType ParseOptionRight(string code) => code switch
    {
        "CALL" => OptionType.Call,
        "PUT" => OptionType.Put,
        _ => throw Unknown("trading.positions.option_type", code),
    };

    internal static PositionStatus ParseStatus(string code) => code switch
    {
        "OPEN" => PositionStatus.Open,
        "CLOSED" => PositionStatus.Closed,
        _ => throw Unknown("trading.positions.status", code),
    };

    internal static TradeSide ParseSide(string code) => code switch
    {
        "BUY" => TradeSide.Buy,
        "SELL" => TradeSide.Sell,
        _ => throw Unknown("trading.position_trades.side", code),
    };

    internal static PositionTradeKind ParseKind(string code) => code switch
    {
        "OPEN" => PositionTradeKind.Open,
        "ADD" => PositionTradeKind.Add,
        "REDUCE" => PositionTradeKind.Reduce,
        "CLOSE" => PositionTradeKind.Close,
        _ => throw Unknown("trading.position_trades.trade_type", code),
    };

    internal static MarkSource ParseMarkSource(string code) => code switch
    {
        "STOCK_CLOSE" => MarkSource.StockClose,
        "OPTION_MID" => MarkSource.OptionMid,
        "OPTION_LAST" => MarkSource.OptionLast,
        _ => throw Unknown("mark source", code),
    };

    private static TradingDataException Unknown(string column, string code) =>
        new($"{column} holds '{code}', which this version of Trading.Timescale does not know; upgrade the package.");
}
