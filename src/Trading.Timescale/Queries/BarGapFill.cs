namespace Trading.Timescale.Queries;

/// <summary>What a bar query returns for buckets without rows.</summary>
public enum BarGapFill
{
    /// <summary>Nothing: only buckets with rows are returned (every edition).</summary>
    None = 0,

    /// <summary>A bar per empty bucket with <see langword="null"/> prices and volume 0 (community edition: <c>time_bucket_gapfill</c>).</summary>
    Empty = 1,

    /// <summary>A bar per empty bucket whose open, high, low and close are the previous close, volume 0 (community edition: <c>locf</c>).</summary>
    CarryForward = 2,
}
