namespace Trading.Timescale.Positions;

/// <summary>The positions of one symbol (a stock together with the option legs on it) in a <see cref="PortfolioSummary"/>.</summary>
/// <param name="Symbol">The stock or underlying symbol.</param>
/// <param name="OpenPositions">Open positions.</param>
/// <param name="UnmarkedPositions">Open positions with no mark; they count in no exposure or unrealized figure.</param>
/// <param name="GrossExposure">Sum of <c>|mark_price * quantity * multiplier|</c> over marked open positions.</param>
/// <param name="NetExposure">Sum of <c>mark_price * quantity * multiplier</c> over marked open positions (shorts count negative).</param>
/// <param name="RealizedPnl">Sum of <c>realized_pnl</c> over open and closed positions.</param>
/// <param name="UnrealizedPnl">Sum of <c>unrealized_pnl</c> over marked open positions.</param>
public sealed record PortfolioSymbolSummary(
    string Symbol,
    int OpenPositions,
    int UnmarkedPositions,
    decimal GrossExposure,
    decimal NetExposure,
    decimal RealizedPnl,
    decimal UnrealizedPnl);
