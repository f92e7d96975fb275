using NodaTime;

namespace Trading.Timescale.Queries;

/// <summary>
/// One OHLCV bar: the first open, highest high, lowest low and last close of the rows in
/// [<see cref="Bucket"/>, next bucket), their total volume and volume-weighted vwap. Prices are
/// <see langword="decimal"/> (numeric columns). A bucket filled by gap filling has no rows: its prices are
/// <see langword="null"/> (or carried forward) and its volume 0.
/// </summary>
/// <param name="Bucket">The bar's start.</param>
/// <param name="Symbol">The ticker.</param>
/// <param name="Open">The first open price.</param>
/// <param name="High">The highest high price.</param>
/// <param name="Low">The lowest low price.</param>
/// <param name="Close">The last close price.</param>
/// <param name="Volume">The summed volume.</param>
/// <param name="Vwap">The volume-weighted average of the rows' vwap.</param>
public sealed record Bar(Instant Bucket, string Symbol, decimal? Open, decimal? High, decimal? Low, decimal? Close, long? Volume, decimal? Vwap);
