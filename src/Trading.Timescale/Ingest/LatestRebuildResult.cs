namespace Trading.Timescale.Ingest;

/// <summary>What <see cref="TradingIngest.RebuildLatestAsync"/> wrote.</summary>
/// <param name="StockPrices">Rows of <c>trading.latest_stock_prices</c> written (inserted, or changed when merging).</param>
/// <param name="OptionQuotes">Rows of <c>trading.latest_option_quotes</c> written (inserted, or changed when merging).</param>
public sealed record LatestRebuildResult(long StockPrices, long OptionQuotes);
