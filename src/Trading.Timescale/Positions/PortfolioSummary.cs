using NodaTime;

namespace Trading.Timescale.Positions;

/// <summary>Exposure and P&amp;L of one account, or of all accounts, from the positions as last marked.</summary>
/// <param name="Account">The account summarized; null for all accounts.</param>
/// <param name="GeneratedAt">When the summary was read, by the book's clock.</param>
/// <param name="OpenPositions">Open positions.</param>
/// <param name="GrossExposure">Sum of <c>|market value|</c> over marked open positions.</param>
/// <param name="NetExposure">Sum of market values (<c>mark_price * quantity * multiplier</c>) over marked open positions.</param>
/// <param name="RealizedPnl">Realized P&amp;L of open and closed positions, net of fees.</param>
/// <param name="UnrealizedPnl">Unrealized P&amp;L of marked open positions.</param>
/// <param name="BySymbol">The same figures per symbol, by symbol.</param>
/// <param name="UnmarkedPositions">Open positions that were never marked, by id.</param>
public sealed record PortfolioSummary(
    string? Account,
    Instant GeneratedAt,
    int OpenPositions,
    decimal GrossExposure,
    decimal NetExposure,
    decimal RealizedPnl,
    decimal UnrealizedPnl,
    IReadOnlyList<PortfolioSymbolSummary> BySymbol,
    IReadOnlyList<Position> UnmarkedPositions)
{
    /// <summary>Realized plus unrealized P&amp;L.</summary>
    public decimal TotalPnl => RealizedPnl + UnrealizedPnl;
}
